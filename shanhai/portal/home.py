"""The first screen, by what the user does (issue 13): a clerk's day (worklist counts, overdue, shortcuts), an
expert's queue, a programme office's progress against targets and its missing monthly reports, and for everyone
the headline figures of their organisations. Every number comes from a selector or the indicator engine over
the records; a part the user has nothing in is left out rather than shown as a row of "not reported"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count as Counted
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from shanhai.accounts.models import Membership, Role, User
from shanhai.accounts.scoping import scope_of
from shanhai.analytics.engine import Scope
from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.core.periods import month_label
from shanhai.maternal import selectors as mch
from shanhai.partnerships.models import Partnership
from shanhai.partnerships.selectors import partnership_visibility
from shanhai.portal.dashboard import default_side
from shanhai.portal.reporting import Completeness, completeness, reporting_month
from shanhai.portal.scorecards import TargetStatus, partnership_targets
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import record_list
from shanhai.telehealth.pages import inbox_queues

#: Partnerships with targets read for the progress card (the scorecards list them all).
PROGRESS_PARTNERSHIPS = 12


@dataclass(frozen=True)
class Count:
    """One figure of a card: a label, a number, a link to the records behind it, and whether it needs action."""

    label: str
    value: int
    url: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class Shortcut:
    label: str
    url: str


@dataclass
class Card:
    title: str
    counts: list[Count] = field(default_factory=list)
    shortcuts: list[Shortcut] = field(default_factory=list)
    note: str = ""
    url: str = ""


@dataclass
class Progress:
    """Targets of the partnerships the user sees, by status (the scorecards' statuses)."""

    counts: list[Count]
    behind: list[tuple[Partnership, str]]


@dataclass
class Reporting:
    month_label: str
    rows: list[Completeness]
    url: str


def roles_of(user: User) -> set[str]:
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def mch_card(user: User) -> Card | None:
    """A clerk's day in MCH: the worklist's sections counted, overdue first; None without MCH records in scope."""
    if not record_list(kind_of("pregnancies"), user).exists():
        return None
    work = mch.worklist(user, limit=0)
    worklist_url = reverse("maternal:worklist")
    counts = [Count(_("Overdue"), work.overdue_count, worklist_url, urgent=work.overdue_count > 0)]
    counts += [
        Count(section.title, section.count, f"{worklist_url}?section={section.code}")
        for section in work.sections
        if section.count
    ]
    shortcuts = [Shortcut(_("Worklist"), worklist_url), Shortcut(_("Find a woman"), reverse("maternal:woman_find"))]
    if scope_of(user).can_write_anything:
        shortcuts.append(Shortcut(_("Register a pregnancy"), reverse("records:create", args=["pregnancies"])))
    return Card(_("Maternal and child health: today's work"), counts, shortcuts, url=reverse("maternal:home"))


def consultation_card(user: User, roles: set[str]) -> Card | None:
    """An expert's queue and a clinician's requests; None when the user has none and is no expert."""
    now = clock.now()
    queues = inbox_queues(user, now)
    sizes = {name: queue.count() for name, queue in queues.items()}  # counted whole, not the inbox's first 100
    late = sizes["to_answer"] > 0 and queues["to_answer"].filter(due_at__lt=now).exists()
    inbox = reverse("telehealth:inbox")
    counts = [
        Count(_("To answer"), sizes["to_answer"], inbox, urgent=late),
        Count(_("Answered, waiting for your decision"), sizes["to_decide"], inbox),
        Count(_("Waiting for an answer"), sizes["waiting"], inbox),
        Count(_("Overdue in your pools"), sizes["overdue"], inbox, urgent=sizes["overdue"] > 0),
    ]
    if not any(c.value for c in counts) and Role.EXPERT not in roles:
        return None
    shortcuts = [Shortcut(_("Consultation inbox"), inbox)]
    if scope_of(user).can_write_anything:
        shortcuts.append(Shortcut(_("Request a consultation"), reverse("records:create", args=["consultations"])))
    return Card(_("Teleconsultations"), [c for c in counts if c.value or c.label == counts[0].label], shortcuts)


def imaging_card(user: User) -> Card | None:
    """Remote image review: readings waiting, late and critical at the studies the user sees; None without any."""
    from shanhai.imaging.models import ReadingKind, ReadingStatus

    studies = record_list(kind_of("imaging-studies"), user)
    if not studies.exists():
        return None
    readings = record_list(kind_of("imaging-readings"), user)
    now = clock.now()
    waiting = readings.filter(kind=ReadingKind.REMOTE_FINAL).exclude(status=ReadingStatus.FINAL)
    counts = readings.aggregate(
        waiting=Counted("pk", filter=Q(pk__in=waiting.values("pk"))),
        late=Counted("pk", filter=Q(pk__in=waiting.filter(due_at__lt=now).values("pk"))),
        critical=Counted("pk", filter=Q(is_critical=True, read_at__gte=now - timedelta(days=30))),
    )
    studies_url = reverse("records:list", args=["imaging-studies"])
    readings_url = reverse("records:list", args=["imaging-readings"])
    shown = [
        Count(_("Waiting for the remote reading"), counts["waiting"], readings_url),
        Count(_("Past their due time"), counts["late"], readings_url, urgent=counts["late"] > 0),
        Count(_("Critical findings, last 30 days"), counts["critical"], readings_url, urgent=counts["critical"] > 0),
        Count(
            _("Studies in the last 7 days"),
            studies.filter(started_at__gte=now - timedelta(days=7)).count(),
            studies_url,
        ),
    ]
    shortcuts = [Shortcut(_("Imaging studies"), studies_url)]
    if scope_of(user).can_write_anything:
        shortcuts.append(Shortcut(_("Upload a study"), reverse("imaging:study_upload")))
    return Card(_("Remote image review"), shown, shortcuts)


def progress_of(user: User, today: date) -> Progress | None:
    """Targets of the partnerships in the user's organisations, counted by status."""
    user_scope = scope_of(user)
    within = Q()
    for root in user_scope.roots:
        within |= Q(supporter__path__startswith=root.path) | Q(recipient__path__startswith=root.path)
    partnerships = (
        Partnership.objects.filter(partnership_visibility(user), targets__isnull=False)
        .filter(within)
        .distinct()
        .select_related("supporter", "recipient", "programme", "department")
        .prefetch_related("targets")
        .order_by("-started_on", "pk")[:PROGRESS_PARTNERSHIPS]
    )
    groups = [partnership_targets(user, p, today, trend=False) for p in partnerships]
    rows = [row for group in groups for row in group.rows]
    if not rows:
        return None
    counts = [
        Count(str(status.label), sum(1 for row in rows if row.status == status), urgent=status == TargetStatus.BEHIND)
        for status in TargetStatus
    ]
    behind = [
        (group.partnership, row.name) for group in groups for row in group.rows if row.status == TargetStatus.BEHIND
    ]
    return Progress([c for c in counts if c.value], behind[:8])


def reporting_of(unit: OrgUnit, today: date) -> Reporting | None:
    month = reporting_month(today)
    scope = Scope(org_unit=unit, side=default_side(unit))
    side = scope.side
    rows = completeness(scope, month)
    if not rows:
        return None
    url = f"{reverse('portal:reporting')}?org={unit.code}&side={side}"
    return Reporting(month_label(month), rows, url)


def home_parts(user: User, today: date | None = None) -> dict[str, object]:
    """What the first screen shows besides the headline figures, by the user's roles."""
    today = today or clock.today()
    roles = roles_of(user)
    user_scope = scope_of(user)
    cards = [card for card in (mch_card(user), consultation_card(user, roles), imaging_card(user)) if card is not None]
    parts: dict[str, object] = {"cards": cards, "progress": None, "reporting": []}
    if roles & {Role.PROGRAMME_OFFICE, Role.SYSTEM_ADMIN, Role.INSTITUTION_ADMIN}:
        parts["progress"] = progress_of(user, today)
        roots = user_scope.roots if not user_scope.is_admin else []
        parts["reporting"] = [r for r in (reporting_of(root, today) for root in roots) if r is not None]
    return parts
