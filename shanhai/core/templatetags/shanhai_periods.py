"""The period picker: a few periods around the one shown, each a link that keeps the page's other parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.translation import gettext as _

from shanhai.core import clock
from shanhai.core.periods import Period, mch_year_label, month_label, parse_period, same_period_last_year

register = template.Library()

#: The query parameters the picker itself sets (the others are kept on every link).
PERIOD_PARAMETERS = ("period", "period_from", "period_to", "page")
YEARS_SHOWN = 5


@dataclass(frozen=True)
class Choice:
    label: str
    code: str
    url: str
    is_active: bool


@dataclass(frozen=True)
class ChoiceGroup:
    title: str
    choices: list[Choice]


def _kept(query: QueryDict) -> QueryDict:
    kept = query.copy()
    for name in PERIOD_PARAMETERS:
        kept.pop(name, None)
    return kept


def _url(kept: QueryDict, code: str) -> str:
    query = kept.copy()
    query["period"] = code
    return "?" + query.urlencode()


def picker_groups(query: QueryDict, period: Period, this_year: int) -> list[ChoiceGroup]:
    """Years around the shown period's (none after this one); the quarters, months and MCH years of its year."""
    kept = _kept(query)
    year = period.last_month // 100
    newest = max(year, min(year + 2, this_year))

    def choice(label: str, code: str) -> Choice:
        return Choice(label, code, _url(kept, code), code == period.code)

    def of(code: str) -> Choice:
        return choice(parse_period(code).label, code)

    return [
        ChoiceGroup(_("Year"), [of(str(y)) for y in range(newest, newest - YEARS_SHOWN, -1)]),
        ChoiceGroup(_("Quarter"), [of(f"{year}Q{q}") for q in range(1, 5)]),
        ChoiceGroup(_("Month"), [choice(month_label(year * 100 + m), str(year * 100 + m)) for m in range(1, 13)]),
        ChoiceGroup(
            _("MCH year"), [choice(mch_year_label(y), f"{y}Oct") for y in range(year, year - YEARS_SHOWN + 1, -1)]
        ),
    ]


@register.inclusion_tag("includes/period_picker.html", takes_context=True)
def period_picker(context: template.Context) -> dict[str, Any]:
    """Needs ``request`` and ``period`` in the context."""
    query: QueryDict = context["request"].GET
    period: Period = context["period"]
    last_year = same_period_last_year(period)
    kept = _kept(query)
    return {
        "period": period,
        "groups": picker_groups(query, period, clock.today().year),
        "last_year": Choice(last_year.label, last_year.code, _url(kept, last_year.code), False),
        "kept": [(name, value) for name, values in kept.lists() for value in values],
        "first_month": f"{period.first_month // 100}-{period.first_month % 100:02d}",
        "last_month": f"{period.last_month // 100}-{period.last_month % 100:02d}",
    }
