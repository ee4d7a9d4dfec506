"""Tables of programmes and partnerships (django-tables2: server-side sorting and pagination)."""

from __future__ import annotations

from datetime import date

import django_tables2 as tables
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from shanhai.core import clock
from shanhai.partnerships.models import Partnership, Programme


class Status(models.TextChoices):
    """Where a partnership stands today; the list filters by it with ``selectors.status_q``."""

    ACTIVE = "active", _("Active")
    PLANNED = "planned", _("Planned")
    ENDED = "ended", _("Ended")


def status_of(partnership: Partnership, today: date | None = None) -> Status:
    today = today or clock.today()
    if partnership.started_on > today:
        return Status.PLANNED
    if partnership.ended_on is not None and partnership.ended_on < today:
        return Status.ENDED
    return Status.ACTIVE


STATUS_BADGES = {Status.ACTIVE: "badge badge-success", Status.PLANNED: "badge", Status.ENDED: "badge badge-muted"}


def status_badge(partnership: Partnership) -> SafeString:
    status = status_of(partnership)
    return format_html('<span class="{}" data-status="{}">{}</span>', STATUS_BADGES[status], status.value, status.label)


class PartnershipTable(tables.Table):
    supporter = tables.Column(
        verbose_name=_("Supporter"),
        order_by=("supporter__name",),
        linkify=lambda record: reverse("partnerships:partnership_detail", args=[record.pk]),
    )
    recipient = tables.Column(verbose_name=_("Recipient"), order_by=("recipient__name",))
    mode = tables.Column(verbose_name=_("Mode"))
    level = tables.Column(verbose_name=_("Level"))
    programme = tables.Column(verbose_name=_("Programme"), order_by=("programme__name",))
    started_on = tables.DateColumn(verbose_name=_("Start date"), format="Y-m-d", attrs={"td": {"class": "nowrap"}})
    ended_on = tables.DateColumn(verbose_name=_("End date"), format="Y-m-d", attrs={"td": {"class": "nowrap"}})
    status = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)

    class Meta:
        model = Partnership
        fields = ("supporter", "recipient", "mode", "level", "programme", "started_on", "ended_on", "status")
        attrs = {"class": "table"}
        empty_text = _("No partnerships match.")

    def render_status(self, record: Partnership) -> SafeString:
        return status_badge(record)


class ProgrammeTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Name"),
        linkify=lambda record: reverse("partnerships:programme_detail", args=[record.pk]),
    )
    owner = tables.Column(verbose_name=_("Programme office"), order_by=("owner__name",))
    started_on = tables.DateColumn(verbose_name=_("Start date"), format="Y-m-d", attrs={"td": {"class": "nowrap"}})
    ended_on = tables.DateColumn(verbose_name=_("End date"), format="Y-m-d", attrs={"td": {"class": "nowrap"}})
    partnership_count = tables.Column(verbose_name=_("Partnerships"))

    class Meta:
        model = Programme
        fields = ("name", "owner", "started_on", "ended_on", "partnership_count")
        attrs = {"class": "table"}
        empty_text = _("No programmes yet.")
