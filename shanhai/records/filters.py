"""The filter bar of any record list: search, programme, partnership, region, period and the kind's choices.

The same filters select the records behind a number (evidence lists): a period and an org unit scope
here mean what they mean to the engine.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.requests import AuthenticatedHttpRequest, AuthenticatedRequest
from shanhai.core.periods import Period, parse_period
from shanhai.partnerships.access import visible_org_units
from shanhai.partnerships.filters import FILTER_REGION_KINDS
from shanhai.partnerships.selectors import partnership_list, programme_list
from shanhai.records.columns import Choice
from shanhai.records.kinds import RecordKind


class PeriodField(forms.CharField):
    """A period code (``2023``, ``2023Q2``, ``202305``, ``2021Oct``, ``A..B``), cleaned to a ``Period``: an invalid
    one is an error on the field, so the filter set reports it instead of filtering."""

    def clean(self, value: Any) -> Period | None:
        code = str(super().clean(value) or "").strip()
        return parse_period(code) if code else None


class PeriodFilter(django_filters.Filter):  # type: ignore[misc]  # django-filter has no type hints: Filter is Any
    field_class = PeriodField


class RecordFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter has no type hints: FilterSet is Any  # type: ignore[misc]  # django-filter has no type hints: FilterSet is Any
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", widget=forms.TextInput(attrs={"type": "search"})
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=None, method="filter_programme", empty_label=_("All programmes")
    )
    partnership = django_filters.ModelChoiceFilter(
        label=_("Partnership"), queryset=None, method="filter_partnership", empty_label=_("All partnerships")
    )
    region = django_filters.ChoiceFilter(label=_("Region"), method="filter_region", empty_label=_("All regions"))
    period = PeriodFilter(
        label=_("Period"),
        method="filter_period",
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "2023, 2023Q2, 202305"}),
    )

    def __init__(
        self, *args: Any, kind: RecordKind, request: AuthenticatedHttpRequest | AuthenticatedRequest, **kwargs: Any
    ) -> None:
        self.kind = kind
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        if kind.partnership_field:
            self.filters["partnership"].queryset = partnership_list(user)
            self.filters["programme"].queryset = programme_list(user)
        else:
            del self.filters["partnership"]
            if not hasattr(kind.model, "programme"):
                del self.filters["programme"]
            else:
                self.filters["programme"].queryset = programme_list(user)
        if not kind.search_fields:
            del self.filters["q"]
        if not kind.date_field:
            del self.filters["period"]
        regions = list(
            visible_org_units(user)
            .filter(kind__in=FILTER_REGION_KINDS)
            .order_by("path")
            .values_list("code", "name", "path", "level")
        )
        self.region_paths = {code: path for code, _name, path, _level in regions}
        self.filters["region"].extra["choices"] = [
            (code, "\u3000" * (level - 1) + name) for code, name, _path, level in regions
        ]
        for key in kind.filter_keys:
            column = kind.column(key)
            assert isinstance(column, Choice) and column.choices is not None
            self.filters[key] = django_filters.ChoiceFilter(
                label=column.label, field_name=key, choices=column.choices.choices, empty_label=_("Any")
            )
            self.filters[key].model = kind.model
            self.filters[key].parent = self

    @property
    def is_refused(self) -> bool:
        """Bound to a value that is not valid (a period that is not one): nothing is listed, the answer is a 400
        with the field's message."""
        return bool(self.is_bound and self.form.errors)

    def records(self) -> QuerySet[Any]:
        """The filtered records, or none when the filters are refused."""
        result: QuerySet[Any] = self.queryset.none() if self.is_refused else self.qs
        return result

    def problems(self) -> str:
        """The filters' messages, each after its field's label, for a plain-text answer."""
        return " ".join(
            f"{self.form.fields[name].label}: {message}" if name in self.form.fields else message
            for name, messages in self.form.errors.items()
            for message in messages
        )

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        words = value.strip()
        if not words:
            return queryset
        condition = Q()
        for path in self.kind.search_fields:
            condition |= Q(**{f"{path}__icontains": words})
        return queryset.filter(condition)

    def filter_programme(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        path = f"{self.kind.partnership_field}__programme" if self.kind.partnership_field else "programme"
        return queryset.filter(**{path: value})

    def filter_partnership(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(**{self.kind.partnership_field or "partnership": value})

    def filter_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.kind.unit_field}__path__startswith": self.region_paths[value]})

    def filter_period(self, queryset: QuerySet[Any], name: str, period: Period | None) -> QuerySet[Any]:
        if period is None:
            return queryset
        field = self.kind.date_field
        if self.kind.date_is_month:
            return queryset.filter(**{f"{field}__gte": period.first_month, f"{field}__lte": period.last_month})
        return queryset.filter(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def record_filter(
    kind: RecordKind, data: Any, queryset: QuerySet[Any], request: AuthenticatedHttpRequest | AuthenticatedRequest
) -> RecordFilter:
    """The filter bar of ``kind``'s list (django-filter wants a filter set class per model)."""

    class KindFilter(RecordFilter):
        class Meta:
            model = kind.model
            fields: list[str] = []

    KindFilter.__name__ = KindFilter.__qualname__ = f"{kind.model.__name__}Filter"
    return KindFilter(data, queryset=queryset, request=request, kind=kind)
