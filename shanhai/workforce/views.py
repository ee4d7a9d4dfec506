"""Pages of people: parse, access, call one selector or service, render. Phones are always masked."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from shanhai.accounts.requests import AuthenticatedHtmxRequest, AuthenticatedHttpRequest
from shanhai.accounts.scoping import scope_of
from shanhai.workforce import selectors, services
from shanhai.workforce.access import access_person
from shanhai.workforce.filters import PersonFilter
from shanhai.workforce.forms import PersonForm
from shanhai.workforce.tables import PersonTable

PER_PAGE = 50


@login_required
@require_GET
def person_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    filterset = PersonFilter(request.GET or None, queryset=selectors.person_list(request.user), request=request)
    table = PersonTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context = {"filter": filterset, "table": table, "can_create": scope_of(request.user).can_write_anything}
    template = "workforce/person_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@login_required
@require_GET
def person_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = access_person(request.user, public_id)
    can_edit = scope_of(request.user).can_write_path(person.institution.path)
    return render(request, "workforce/person_detail.html", {"person": person, "can_edit": can_edit})


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not scope_of(request.user).can_write_anything:
        raise PermissionDenied
    form = PersonForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "clear_phone"}
        try:
            person = services.person_create(actor=request.user, **data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": person.name})
            return redirect("workforce:person_detail", public_id=person.public_id)
    return render(request, "workforce/person_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = access_person(request.user, public_id, for_write=True)
    form = PersonForm(request.user, request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            if changes := form.changes():
                services.person_update(actor=request.user, person=person, **changes)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("workforce:person_detail", public_id=person.public_id)
    return render(request, "workforce/person_form.html", {"form": form, "person": person})
