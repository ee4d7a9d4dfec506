"""The indicator catalogue: every registered indicator with its definition and formula."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from shanhai.analytics.registry import Closing, Flow, Indicator, Measure, Negate, Opening, Sum, Term, registry


def describe(term: Term) -> str:
    """A term in words, e.g. ``Partnerships started (balance at period end) − Partnerships ended (…)``."""
    if isinstance(term, Flow):
        return _("%(metric)s (in the period)") % {"metric": term.metric.name}
    if isinstance(term, Opening):
        return _("%(metric)s (balance before the period)") % {"metric": term.metric.name}
    if isinstance(term, Closing):
        return _("%(metric)s (balance at period end)") % {"metric": term.metric.name}
    if isinstance(term, Measure):
        return _("%(measure)s (counted over the records)") % {"measure": term.name}
    if isinstance(term, Negate):
        return f"− {describe(term.term)}"
    if isinstance(term, Sum):
        text = ""
        for part in term.parts:
            words = describe(part)
            text += f" {words}" if words.startswith("−") else (f" + {words}" if text else words)
        return text.strip()
    return str(term)


@dataclass(frozen=True)
class CatalogueEntry:
    indicator: Indicator
    name: str
    other_name: str
    definition: str
    numerator: str
    denominator: str
    unit: str


def catalogue_entry(indicator: Indicator) -> CatalogueEntry:
    return CatalogueEntry(
        indicator=indicator,
        name=indicator.name(),
        other_name=indicator.name_en if indicator.name() == indicator.name_zh else indicator.name_zh,
        definition=indicator.definition(),
        numerator=describe(indicator.numerator),
        denominator=describe(indicator.denominator) if indicator.denominator is not None else "",
        unit=indicator.unit(),
    )


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    indicators = sorted(registry.indicators.values(), key=lambda i: (i.app, i.code))
    return render(request, "analytics/catalogue.html", {"entries": [catalogue_entry(i) for i in indicators]})
