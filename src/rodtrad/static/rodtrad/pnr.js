/* Rödtråd: warn as the user types when free text holds a Swedish personal identity number or
   coordination number. The same rule as rodtrad/core/pnr.py: 10 or 12 digits, an optional "-" or
   "+" before the last four, a possible date (coordination numbers add 60 to the day) and a valid
   Luhn check digit. The server masks the number whatever happens here; this only tells the user. */
(function () {
  "use strict";

  var CANDIDATE = /(?<![\d-])(\d{2})?(\d{6})([-+]?)(\d{4})(?!\d)/g;

  function luhnOk(digits) {
    var total = 0;
    for (var i = 0; i < digits.length; i++) {
      var n = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
      total += n > 9 ? n - 9 : n;
    }
    return total % 10 === 0;
  }

  function dateOk(yymmdd) {
    var month = Number(yymmdd.slice(2, 4));
    var day = Number(yymmdd.slice(4, 6));
    if (day > 60) {
      day -= 60; /* a coordination number */
    }
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }

  /* Each number found in text, masked as it will be saved (e.g. 19121212-****). */
  function find(text) {
    var found = [];
    var match;
    CANDIDATE.lastIndex = 0;
    while ((match = CANDIDATE.exec(text)) !== null) {
      var century = match[1] || "";
      var date = match[2];
      if (dateOk(date) && luhnOk(date + match[4])) {
        found.push(century + date + (match[3] || "-") + "****");
      }
    }
    return found;
  }

  function watch(warning) {
    var field = document.getElementById(warning.getAttribute("data-pnr-warning-for"));
    if (!field) {
      return;
    }
    var shown = "";
    function update() {
      var found = find(field.value);
      var text = found.length ? warning.getAttribute("data-message") + " " + found.join(", ") + "." : "";
      if (text === shown) {
        return; /* announce a change once, not on every keystroke */
      }
      shown = text;
      warning.textContent = text;
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (text && described.indexOf(warning.id) < 0) {
        described.push(warning.id);
      }
      if (described.length) {
        field.setAttribute("aria-describedby", described.join(" "));
      }
    }
    field.addEventListener("input", update);
    update();
  }

  window.rodtradPnr = { find: find };
  document.querySelectorAll("[data-pnr-warning-for]").forEach(watch);
})();
