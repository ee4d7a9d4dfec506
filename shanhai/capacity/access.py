"""Who sees workload reports and who approves them."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.capacity.models import WorkloadReport
from shanhai.core.selectors import in_subtrees
from shanhai.partnerships.models import Partnership
from shanhai.records.access import access_record
from shanhai.records.kinds import kind_of


def workload_visibility(user: User) -> Q:
    """A report is the recipient's own statistics: readers of the institution's subtree see it, and
    so do supporting-side readers of a partnership whose recipient is that institution."""
    paths = list(scope_of(user).read_paths)
    supported = Partnership.objects.filter(in_subtrees(paths, "supporter__path")).values("recipient_id")
    return in_subtrees(paths, "institution__path") | Q(institution_id__in=supported)


def can_approve_workload(user: User, report: WorkloadReport) -> bool:
    """Approving (and unlocking) is for the authority above the institution: write access at its
    parent unit (the county or prefecture), not at the institution itself."""
    scope = scope_of(user)
    parent = report.institution.parent
    return scope.is_admin or (parent is not None and scope.can_write_path(parent.path))


def access_workload_for_approval(user: User, public_id: uuid.UUID | str) -> WorkloadReport:
    """404 outside the user's sight, 403 for those who see it but may not approve."""
    report: WorkloadReport = access_record(kind_of("workload-reports"), user, public_id)
    if not can_approve_workload(user, report):
        raise PermissionDenied
    return report
