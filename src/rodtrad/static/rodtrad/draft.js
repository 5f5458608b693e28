/* Rödtråd: keep what the user typed into a form (form[data-draft]) in this browser until the
   server has accepted it, so a failed request or a lost connection loses nothing.

   A fresh form (data-draft-fresh) is filled from the saved draft; a form the server sent back with
   errors already holds the values and only keeps saving. The page after a successful send carries
   [data-draft-clear], which removes the draft. */
(function () {
  "use strict";

  var PREFIX = "rodtrad:draft:";

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; /* storage disabled: the form still works, only without drafts */
    }
  }

  var store = storage();
  if (!store) {
    return;
  }

  document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
    store.removeItem(PREFIX + el.getAttribute("data-draft-clear"));
  });

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && el.type !== "submit" && el.type !== "button";
    });
  }

  function save(form, key) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) {
          data[el.name] = el.value;
        }
      } else if (el.type === "checkbox") {
        data[el.name] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    store.setItem(key, JSON.stringify(data));
  }

  function restore(form, data) {
    var restored = false;
    fields(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(data, el.name)) {
        return;
      }
      var value = data[el.name];
      if (el.type === "radio") {
        el.checked = el.value === value;
      } else if (el.type === "checkbox") {
        el.checked = value === true;
      } else if (el.value !== value) {
        el.value = value;
      }
      el.dispatchEvent(new Event("input", { bubbles: true }));
      restored = true;
    });
    return restored;
  }

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = PREFIX + form.getAttribute("data-draft");
    var note = form.querySelector("[data-draft-note]");
    var saved = null;
    try {
      saved = JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      store.removeItem(key);
    }
    if (saved && form.hasAttribute("data-draft-fresh") && restore(form, saved) && note) {
      note.hidden = false;
    }
    form.addEventListener("input", function () {
      save(form, key);
    });
    form.addEventListener("change", function () {
      save(form, key);
    });
    var discard = form.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        store.removeItem(key);
        form.reset();
        if (note) {
          note.hidden = true;
        }
      });
    }
  });
})();
