"""The search page: Swedish full-text search with the list's filters; htmx swaps in the results."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from rodtrad.documents import search
from rodtrad.documents.forms import FilterForm

PAGE_SIZE = 20


class SearchForm(FilterForm):
    id_prefix = "search"

    q = forms.CharField(label=_("Search for"), max_length=500, required=False)
    field_order = ["q", "type", "unit", "applies_to", "status", "classification", "due"]


@login_required
@require_GET
def document_search(request: HttpRequest) -> HttpResponse:
    """Ranked hits with highlighted passages, only among the documents the person may see."""
    form = SearchForm(request.GET or None)
    hits: list[search.Hit] = []
    page: Page[search.Hit] | None = None
    pages_open = False  # more hits than counted: the last page is not known
    q = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        results = search.Results(request.user, q, form.filters())
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        hits = list(page.object_list)
        pages_open = not results.count_exact
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "q": q,
        "hits": hits,
        "page": page,
        "pages_open": pages_open,
        "query": query.urlencode(),
    }
    template = (
        "documents/search_results.html" if request.headers.get("HX-Request") else "documents/search.html"
    )
    return render(request, template, context)
