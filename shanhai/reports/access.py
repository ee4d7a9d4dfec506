"""The only way views load a report by id: 404 unless the user sees its programme and every partnership it breaks down."""

from __future__ import annotations

import uuid

from django.http import Http404

from shanhai.accounts.models import User
from shanhai.partnerships.access import access_programme
from shanhai.reports.models import Report
from shanhai.reports.selectors import visible_partnership_ids


def access_report(actor: User, public_id: uuid.UUID | str) -> Report:
    try:
        report = Report.objects.select_related("programme", "requested_by").get(public_id=public_id)
    except (Report.DoesNotExist, ValueError):
        raise Http404 from None
    programme = access_programme(actor, report.programme_id)
    if not set(report.partnership_ids) <= set(visible_partnership_ids(actor, programme)):
        raise Http404
    return report
