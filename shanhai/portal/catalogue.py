"""The indicator catalogue: every registered indicator with its definition and formula."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanhai.analytics.registry import Closing, Flow, Indicator, Measure, Metric, Negate, Opening, Sum, Term, registry

SCOPE_LABELS = {
    "org": gettext_lazy("Organisation unit"),
    "programme": gettext_lazy("Programme"),
    "partnership": gettext_lazy("Partnership"),
}


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
class FormulaTerm:
    """One term of a formula as the catalogue shows it: sign, what is summed, and how over the period."""

    sign: str
    name: str
    how: str


def formula_terms(term: Term) -> list[FormulaTerm]:
    """``Closing(started) − Opening(ended)`` → [("", "Partnerships started", "balance at period end"), ("−", …)]."""
    if isinstance(term, Sum):
        return [part for t in term.parts for part in formula_terms(t)]
    if isinstance(term, Negate):
        return [FormulaTerm("−" if t.sign == "" else "", t.name, t.how) for t in formula_terms(term.term)]
    if isinstance(term, Flow):
        return [FormulaTerm("", str(term.metric.name), _("total in the period"))]
    if isinstance(term, Closing):
        return [FormulaTerm("", str(term.metric.name), _("balance at period end"))]
    if isinstance(term, Opening):
        return [FormulaTerm("", str(term.metric.name), _("balance before the period"))]
    if isinstance(term, Measure):
        return [FormulaTerm("", str(term.name), _("counted over the records"))]
    return [FormulaTerm("", str(term), "")]


def when_absent(indicator: Indicator) -> str:
    """What the indicator shows where there are no data, decided by its metrics (``Metric.periodic``)."""
    metrics = _fact_metrics(indicator.numerator) | (
        _fact_metrics(indicator.denominator) if indicator.denominator is not None else set()
    )
    periodic = any(m.periodic for m in metrics)
    counted = any(m.absent_means_zero for m in metrics)
    parts = []
    if counted:
        parts.append(
            _(
                "Counts records kept in Shanhai: 0 where none were recorded, once the organisation keeps such "
                "records; not reported before its first one."
            )
        )
    if periodic:
        parts.append(_("Comes from a monthly report: a month whose report is missing is not reported, never 0."))
    if not metrics or any(_has_measure(t) for t in (indicator.numerator, indicator.denominator) if t is not None):
        parts.append(_("Computed over the records each time: not reported when there is nothing to compute it from."))
    return " ".join(parts)


def _fact_metrics(term: Term) -> set[Metric]:
    if isinstance(term, Flow | Opening | Closing):
        return {term.metric}
    if isinstance(term, Sum):
        return set().union(*(_fact_metrics(t) for t in term.parts))
    if isinstance(term, Negate):
        return _fact_metrics(term.term)
    return set()


def _has_measure(term: Term) -> bool:
    if isinstance(term, Measure):
        return True
    if isinstance(term, Sum):
        return any(_has_measure(t) for t in term.parts)
    if isinstance(term, Negate):
        return _has_measure(term.term)
    return False


@dataclass(frozen=True)
class CatalogueEntry:
    indicator: Indicator
    name: str
    other_name: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    numerator_terms: list[FormulaTerm]
    denominator_terms: list[FormulaTerm]
    scopes: list[str]
    app_label: str
    when_absent: str

    def matches(self, words: str) -> bool:
        """Every word of the search appears in the code, either name, the definition or the formula."""
        text = " ".join(
            [
                self.indicator.code,
                self.indicator.name_zh,
                self.indicator.name_en,
                self.indicator.definition_zh,
                self.indicator.definition_en,
                self.numerator,
                self.denominator,
                self.app_label,
            ]
        ).casefold()
        return all(word in text for word in words.casefold().split())


def catalogue_entry(indicator: Indicator) -> CatalogueEntry:
    config = apps.get_app_config(indicator.app) if indicator.app else None
    return CatalogueEntry(
        indicator=indicator,
        name=indicator.name(),
        other_name=indicator.name_en if indicator.name() == indicator.name_zh else indicator.name_zh,
        definition=indicator.definition(),
        numerator=describe(indicator.numerator),
        denominator=describe(indicator.denominator) if indicator.denominator is not None else "",
        unit=indicator.unit(),
        numerator_terms=formula_terms(indicator.numerator),
        denominator_terms=formula_terms(indicator.denominator) if indicator.denominator is not None else [],
        scopes=[str(SCOPE_LABELS.get(scope, scope)) for scope in indicator.scopes],
        app_label=str(config.verbose_name) if config else "",
        when_absent=when_absent(indicator),
    )


@dataclass(frozen=True)
class CatalogueGroup:
    app: str
    label: str
    entries: list[CatalogueEntry]


def catalogue_groups(entries: list[CatalogueEntry]) -> list[CatalogueGroup]:
    groups: dict[str, list[CatalogueEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.indicator.app, []).append(entry)
    return [CatalogueGroup(app, items[0].app_label or app, items) for app, items in groups.items()]


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Every registered indicator grouped by app; ``?q=`` keeps those matching every word (htmx swaps the list)."""
    query = request.GET.get("q", "").strip()
    indicators = sorted(registry.indicators.values(), key=lambda i: (i.app, i.code))
    entries = [entry for entry in map(catalogue_entry, indicators) if entry.matches(query)]
    context = {"entries": entries, "groups": catalogue_groups(entries), "query": query, "total": len(indicators)}
    template = "portal/catalogue.html"
    return render(request, f"{template}#results" if getattr(request, "htmx", False) else template, context)
