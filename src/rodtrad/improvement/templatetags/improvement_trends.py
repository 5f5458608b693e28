"""``{{ row|count_cells }}``: a trend row's monthly counts and total as table cells.

A förvaltning's table per unit has a few hundred rows of 13 or more numbers; a template loop per
cell took about as long as all of the page's queries together.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from rodtrad.improvement.stats import TrendRow

register = template.Library()


@register.filter
def count_cells(row: TrendRow) -> SafeString:
    """<td>n</td> for each month and the total, as the template wrote them (whole numbers: nothing
    to escape)."""
    return mark_safe("".join(f"<td>{int(n)}</td>" for n in [*row.counts, row.total]))  # noqa: S308
