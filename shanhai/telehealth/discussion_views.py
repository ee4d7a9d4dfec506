"""Case discussion pages beyond the generic record pages: the sessions list (upcoming / held), and the session
page's actions — taking attendance, adding and ticking off follow-up actions — and a series' "schedule the next
sessions". The session and series pages themselves are their record pages (``record_kinds_discussions``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.core import clock
from shanhai.partnerships.selectors import partnership_list
from shanhai.records.access import access_record
from shanhai.records.kinds import kind_of
from shanhai.telehealth import discussions as services
from shanhai.telehealth.models import CaseDiscussion, DiscussionStatus
from shanhai.telehealth.selectors_discussions import discussion_list, follow_up_owners, session_staff

WHEN = {
    "upcoming": gettext_lazy("Upcoming sessions"),
    "held": gettext_lazy("Held"),
    "all": gettext_lazy("All"),
}


def _session_url(discussion: CaseDiscussion, anchor: str = "") -> str:
    url = reverse("records:detail", kwargs={"kind": "case-discussions", "public_id": discussion.public_id})
    return f"{url}#{anchor}" if anchor else url


def _refusal(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_GET
def discussion_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    when = request.GET.get("when", "")
    when = when if when in WHEN else "upcoming"
    partnerships = list(partnership_list(request.user).filter(case_discussions__isnull=False).distinct())
    chosen = next((p for p in partnerships if str(p.pk) == request.GET.get("partnership")), None)
    sessions = discussion_list(
        request.user, when=when, partnership_id=chosen.pk if chosen else None, today=clock.today()
    )
    page = Paginator(sessions, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "when": when,
        "tabs": WHEN.items(),
        "partnerships": partnerships,
        "chosen": chosen,
        "statuses": DiscussionStatus,
    }
    return render(request, "telehealth/discussion_list.html", context)


@login_required
@require_POST
def discussion_attendance(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponseRedirect:
    """Tick who attended among the staff listed on the session page."""
    discussion = access_record(kind_of("case-discussions"), request.user, public_id, for_write=True)
    expected = session_staff(discussion, services.session_institutions(discussion))
    ticked = set(request.POST.getlist("present"))
    present = [person for person in expected if str(person.public_id) in ticked]
    try:
        attended, _absent = services.attendance_take(
            actor=request.user, discussion=discussion, present=present, expected=expected
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Attendance saved: %(present)s present.") % {"present": attended})
    return redirect(_session_url(discussion, "attendance"))


class FollowUpForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("What to do"), max_length=2000)
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner (user)"), required=False, coerce=int, empty_value=None)
    owner_name = forms.CharField(label=gettext_lazy("Owner (name)"), max_length=40, required=False)
    due_on = forms.DateField(label=gettext_lazy("Due on"), required=False)


@login_required
@require_POST
def follow_up_add(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponseRedirect:
    discussion = access_record(kind_of("case-discussions"), request.user, public_id, for_write=True)
    owners = {user.pk: user for user in follow_up_owners(services.session_institutions(discussion))}
    form = FollowUpForm(request.POST)
    form.fields["owner"].choices = [("", "—"), *((pk, str(user)) for pk, user in owners.items())]  # type: ignore[attr-defined]
    if not form.is_valid():
        for message in [m for errors in form.errors.values() for m in errors]:
            messages.error(request, str(message))
        return redirect(_session_url(discussion, "follow-ups"))
    data = form.cleaned_data
    try:
        services.follow_up_create(
            actor=request.user,
            discussion=discussion,
            description=data["description"],
            owner=owners.get(data["owner"]) if data["owner"] else None,
            owner_name=data["owner_name"],
            due_on=data["due_on"],
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Follow-up action added."))
    return redirect(_session_url(discussion, "follow-ups"))


@login_required
@require_POST
def follow_up_done(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponseRedirect:
    """Mark a follow-up action done (``done=1``) or open again (``done=0``)."""
    action = access_record(kind_of("follow-up-actions"), request.user, public_id, for_write=True)
    services.follow_up_set_done(actor=request.user, record=action, done=request.POST.get("done") == "1")
    return redirect(_session_url(action.discussion, "follow-ups"))


@login_required
@require_POST
def series_schedule(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponseRedirect:
    series = access_record(kind_of("discussion-series"), request.user, public_id, for_write=True)
    count = request.POST.get("count", "")
    try:
        created = services.series_schedule_next(
            actor=request.user, series=series, count=int(count) if count.isdigit() else services.SCHEDULE_AHEAD
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        count_scheduled = len(created)
        message = ngettext("%(count)s session scheduled.", "%(count)s sessions scheduled.", count_scheduled)
        messages.success(request, message % {"count": count_scheduled})
    return redirect("records:detail", kind="discussion-series", public_id=series.public_id)
