"""Filters of the partnership list (django-filter), over a queryset already limited to the user."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.core.models import OrgUnitKind
from shanhai.partnerships.access import visible_org_units
from shanhai.partnerships.models import Mode, Partnership, Programme
from shanhai.partnerships.selectors import programme_list, status_q
from shanhai.partnerships.tables import Status

#: Regions offered by the region filter; townships are too many for one list and rarely a filter.
FILTER_REGION_KINDS = (OrgUnitKind.PROVINCE, OrgUnitKind.PREFECTURE, OrgUnitKind.COUNTY)


def visible_programmes(request: AuthenticatedHttpRequest) -> QuerySet[Programme]:
    return programme_list(request.user)


class PartnershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Either side’s name")}),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=visible_programmes, empty_label=_("All programmes")
    )
    mode = django_filters.ChoiceFilter(label=_("Mode"), choices=Mode.choices, empty_label=_("All modes"))
    region = django_filters.ChoiceFilter(label=_("Region"), method="filter_region", empty_label=_("All regions"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status", empty_label=_("Any status")
    )

    class Meta:
        model = Partnership
        fields = ("q", "programme", "mode", "region", "status")

    def __init__(self, *args: Any, request: AuthenticatedHttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        regions = list(
            visible_org_units(request.user)
            .filter(kind__in=FILTER_REGION_KINDS)
            .order_by("path")
            .values_list("code", "name", "path", "level")
        )
        self.region_paths = {code: path for code, _name, path, _level in regions}
        self.filters["region"].extra["choices"] = [
            (code, "\u3000" * (level - 1) + name) for code, name, _path, level in regions
        ]

    def filter_search(self, queryset: QuerySet[Partnership], name: str, value: str) -> QuerySet[Partnership]:
        words = value.strip()
        return queryset.filter(
            Q(supporter__name__icontains=words)
            | Q(supporter__short_name__icontains=words)
            | Q(recipient__name__icontains=words)
            | Q(recipient__short_name__icontains=words)
        )

    def filter_region(self, queryset: QuerySet[Partnership], name: str, value: str) -> QuerySet[Partnership]:
        path = self.region_paths[value]
        return queryset.filter(Q(supporter__path__startswith=path) | Q(recipient__path__startswith=path))

    def filter_status(self, queryset: QuerySet[Partnership], name: str, value: str) -> QuerySet[Partnership]:
        return queryset.filter(status_q(value))
