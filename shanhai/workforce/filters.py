"""Filters of the people list (django-filter), over a queryset already limited to the user."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit, OrgUnitKind, TitleLevel
from shanhai.workforce.models import Person


def readable_institutions(request: AuthenticatedHttpRequest) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.filter(scope_of(request.user).read_q())
        .exclude(kind__in=OrgUnitKind.region_kinds())
        .order_by("path")
    )


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or institution")}),
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=readable_institutions,
        method="filter_institution",
        empty_label=_("All institutions"),
    )
    title_level = django_filters.ChoiceFilter(
        label=_("Title level"), field_name="title__level", choices=TitleLevel.choices, empty_label=_("Any level")
    )

    class Meta:
        model = Person
        fields = ("q", "institution", "title_level")

    def filter_search(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        words = value.strip()
        return queryset.filter(Q(name__icontains=words) | Q(institution__name__icontains=words))

    def filter_institution(self, queryset: QuerySet[Person], name: str, value: OrgUnit) -> QuerySet[Person]:
        return queryset.filter(institution__path__startswith=value.path)
