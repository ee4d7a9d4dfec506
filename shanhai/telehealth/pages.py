"""What a consultation's page shows beyond its fields: where it stands, its clock, what this user may do next (with
the forms), its history, the studies attached and the MCH file it is about (masked)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core import clock
from shanhai.imaging.models import ImagingStudy
from shanhai.maternal.models import Pregnancy
from shanhai.records.kinds import kind_for_model, kind_of
from shanhai.records.lookup import Lookup
from shanhai.records.selectors import record_list
from shanhai.telehealth.access import is_asking_side, is_supporting_side, may_reassign
from shanhai.telehealth.columns import experts_for, pools_for
from shanhai.telehealth.forms import AnswerForm, DecideForm, ReasonForm, ReassignForm
from shanhai.telehealth.models import AWAITING_ANSWER, Consultation, Status

#: Where a failed action leaves its bound form for the page shown again (``records.views.render_detail``).
FORMS_ATTRIBUTE = "telehealth_forms"


def allowed_actions(user: User, consultation: Consultation) -> list[str]:
    status = consultation.status
    actions: list[str] = []
    if status in AWAITING_ANSWER and is_supporting_side(user, consultation):
        if status == Status.REQUESTED:
            actions += ["accept", "decline"]
        if status in (Status.REQUESTED, Status.ACCEPTED):
            actions.append("start")
        actions.append("answer")
    if status in AWAITING_ANSWER and may_reassign(user, consultation):
        actions.append("reassign")
    if is_asking_side(user, consultation):
        if status == Status.ANSWERED:
            actions.append("decide")
        if status in (Status.ANSWERED, Status.DECIDED):
            actions.append("close")
        if status in AWAITING_ANSWER:
            actions.append("cancel")
    return actions


def consultation_page(request: HttpRequest, consultation: Consultation) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    bound: dict[str, Any] = getattr(request, FORMS_ATTRIBUTE, {})
    actions = allowed_actions(user, consultation)
    lookup = Lookup(user)
    now = clock.now()
    forms: dict[str, Any] = {
        "decline": bound.get("decline") or ReasonForm(prefix="decline"),
        "answer": bound.get("answer") or AnswerForm(prefix="answer"),
        "decide": bound.get("decide") or DecideForm(prefix="decide"),
        "cancel": bound.get("cancel") or ReasonForm(prefix="cancel"),
    }
    if "reassign" in actions:
        forms["reassign"] = bound.get("reassign") or ReassignForm(
            prefix="reassign", pools=pools_for(lookup), experts=experts_for(lookup)
        )
    return {
        "consultation": consultation,
        "actions": actions,
        "action_forms": forms,
        "events": consultation.events.select_related("actor", "pool", "expert"),
        "is_overdue": consultation.status in AWAITING_ANSWER and consultation.due_at < now,
        "studies": _studies(user, consultation),
        "pregnancy": _pregnancy(user, consultation.pregnancy),
    }


def _studies(user: User, consultation: Consultation) -> list[dict[str, Any]]:
    kind = kind_for_model(ImagingStudy)
    studies = list(consultation.studies.select_related("site"))
    visible = (
        set(record_list(kind, user).filter(pk__in=[s.pk for s in studies]).values_list("pk", flat=True))
        if kind is not None and studies
        else set()
    )
    found = []
    for study in studies:
        url = ""
        if kind is not None and study.pk in visible:
            url = reverse("records:detail", kwargs={"kind": kind.slug, "public_id": study.public_id})
        found.append({"study": study, "url": url})
    return found


def _pregnancy(user: User, pregnancy: Pregnancy | None) -> dict[str, Any] | None:
    """Her risk colour and gestation, and a link to her file for those who may open it; never her name."""
    if pregnancy is None:
        return None
    may_open = record_list(kind_of("pregnancies"), user).filter(pk=pregnancy.pk).exists()
    url = (
        reverse("records:detail", kwargs={"kind": "pregnancies", "public_id": pregnancy.public_id}) if may_open else ""
    )
    return {"pregnancy": pregnancy, "url": url}


def visible_consultations(user: User) -> QuerySet[Consultation]:
    return record_list(kind_of("consultations"), user).select_related(
        "requesting_unit", "partnership__supporter", "pool", "expert", "requested_by"
    )


#: Consultations listed per queue on the inbox (the home counts them all).
INBOX_SHOWN = 100


def inbox_queues(user: User, now: datetime) -> dict[str, QuerySet[Consultation]]:
    """The user's queues, in order: to answer (named expert, or a pool member while nobody has taken it), waiting
    for my decision (I or my institution asked and it was answered), waiting for an answer (I asked), overdue in
    the pools I head or at the institutions I administer."""
    visible = visible_consultations(user)
    open_ = visible.filter(status__in=AWAITING_ANSWER)
    mine = Q(expert=user) | Q(expert__isnull=True, pool__members=user) | Q(expert__isnull=True, pool__head=user)
    asking = Q(requested_by=user)
    for path in scope_of(user).write_paths:
        asking |= Q(requesting_unit__path__startswith=path)
    supervising = Q(pool__head=user)
    for path in scope_of(user).write_paths:
        supervising |= Q(partnership__supporter__path__startswith=path)
    return {
        "to_answer": open_.filter(mine).distinct().order_by("due_at"),
        "to_decide": visible.filter(asking, status=Status.ANSWERED).distinct().order_by("answered_at"),
        "waiting": open_.filter(requested_by=user).order_by("due_at"),
        "overdue": open_.filter(supervising, due_at__lt=now).distinct().order_by("due_at"),
    }


def inbox_lists(user: User) -> dict[str, list[Consultation]]:
    """The first ``INBOX_SHOWN`` of each of the user's queues (``inbox_queues``), each marked overdue or not."""
    now = clock.now()
    lists = {name: list(queue[:INBOX_SHOWN]) for name, queue in inbox_queues(user, now).items()}
    for items in lists.values():
        for consultation in items:
            consultation.overdue = consultation.status in AWAITING_ANSWER and consultation.due_at < now  # type: ignore[attr-defined]
    return lists
