"""The people table: phone numbers masked, rows linked by public id."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shanhai.workforce.models import Person


class PersonTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Full name"),
        linkify=lambda record: reverse("workforce:person_detail", args=[record.public_id]),
    )
    gender = tables.Column(verbose_name=_("Gender"))
    institution = tables.Column(verbose_name=_("Institution"), order_by=("institution__path", "name"))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__sort_order",))
    title = tables.Column(verbose_name=_("Professional title"), order_by=("title__sort_order",))
    masked_phone = tables.Column(verbose_name=_("Phone"), orderable=False)

    class Meta:
        model = Person
        fields = ("name", "gender", "institution", "department", "title", "masked_phone")
        attrs = {"class": "table"}
        empty_text = _("No people match.")
