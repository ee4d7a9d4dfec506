"""Pages of every record kind: list, detail, create, edit, delete, export, template, import, and the
reveal of a record's personal data (permission, reason, audit: ``accounts.reveal``).

Thin: parse, access, call the kind's service or the import, render. The kind's declaration
(``record_kinds.py`` of its app) says everything that differs between kinds.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from shanhai.accounts.requests import AuthenticatedHtmxRequest, AuthenticatedHttpRequest
from shanhai.accounts.reveal import can_reveal, reveal_personal, reveal_refused
from shanhai.accounts.scoping import scope_of
from shanhai.core import limits
from shanhai.records import imports, tabular
from shanhai.records.access import access_record, require_record_write
from shanhai.records.columns import RecordRef, Reference
from shanhai.records.concurrency import EditConflict, update_unless_changed, version_of
from shanhai.records.filters import record_filter
from shanhai.records.forms import RecordForm, RevealForm
from shanhai.records.kinds import RecordKind, all_kinds, kind_for_model, kind_of
from shanhai.records.lookup import Lookup
from shanhai.records.models import ImportJob, ImportStatus
from shanhai.records.selectors import can_write_record, record_list
from shanhai.records.tables import detail_url, record_table
from shanhai.records.tasks import fail_stale_jobs, progress_of, run_import

PER_PAGE = 50


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every record kind the menu offers, with how many records of it the user can see."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for kind in all_kinds():
        if kind.in_menu:
            count = record_list(kind, request.user).count()
            label = str(apps.get_app_config(kind.app).verbose_name)
            groups.setdefault(label, []).append({"kind": kind, "count": count})
    return render(request, "records/index.html", {"groups": groups})


@login_required
@require_GET
def record_list_page(request: AuthenticatedHtmxRequest, kind: str) -> HttpResponse:
    record_kind = kind_of(kind)
    filterset = record_filter(record_kind, request.GET or None, record_list(record_kind, request.user), request)
    table = record_table(record_kind, filterset.records())
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context = {
        "kind": record_kind,
        "filter": filterset,
        "table": table,
        "can_create": scope_of(request.user).can_write_anything,
        "query": request.GET.urlencode(),
    }
    template = "records/list.html"
    status = 400 if filterset.is_refused else 200
    return render(request, f"{template}#results" if request.htmx else template, context, status=status)


@login_required
@require_GET
def export(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    record_kind = kind_of(kind)
    filterset = record_filter(record_kind, request.GET or None, record_list(record_kind, request.user), request)
    if filterset.is_refused:
        return HttpResponseBadRequest(filterset.problems(), content_type="text/plain; charset=utf-8")
    content = imports.export_xlsx(
        record_kind, filterset.qs.iterator(chunk_size=2000), actor=request.user, filters=list(request.GET)
    )
    return _xlsx(content, f"{record_kind.slug}.xlsx")


@login_required
@require_GET
def template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    record_kind = kind_of(kind)
    return _xlsx(imports.template_xlsx(record_kind), f"{record_kind.slug}-template.xlsx")


def _xlsx(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=tabular.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    record_kind = kind_of(kind)
    record = access_record(record_kind, request.user, public_id)
    return _detail(request, record_kind, record)


@login_required
@require_POST
@sensitive_post_parameters("reason")
@sensitive_variables()
def record_reveal(request: AuthenticatedHttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    """The detail page again, its personal columns in clear: 403 without the permission, the form's
    error without a reason. Rendered, never redirected: clear values stay out of URLs and sessions."""
    record_kind = kind_of(kind)
    record = access_record(record_kind, request.user, public_id)
    unit = record_kind.personal_unit_of(record, request.user)
    fields = [c.key for c in record_kind.personal_columns]
    if not fields:
        raise PermissionDenied
    if not can_reveal(request.user, unit):
        raise reveal_refused(actor=request.user, obj=record, fields=fields, org_unit=unit)
    form = RevealForm(request.POST)
    form.is_valid()
    try:
        revealed = reveal_personal(
            actor=request.user,
            obj=record,
            fields=fields,
            reason=form.cleaned_data.get("reason", ""),
            org_unit=unit,
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return _detail(request, record_kind, record, reveal_form=form, status=400)
    response = _detail(request, record_kind, record, revealed=revealed)
    add_never_cache_headers(response)
    return response


def _detail(
    request: AuthenticatedHttpRequest,
    kind: RecordKind,
    record: Any,
    *,
    revealed: dict[str, str] | None = None,
    reveal_form: RevealForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The detail page; ``revealed``: clear values of the personal columns, shown instead of the masked ones."""
    revealed = revealed or {}
    unit = kind.personal_unit_of(record, request.user)
    may_reveal = bool(kind.personal_columns) and can_reveal(request.user, unit)
    context = {
        "kind": kind,
        "record": record,
        "fields": [(kind.heading(c), revealed.get(c.key, c.display(record))) for c in kind.columns],
        "can_edit": can_write_record(kind, request.user, record),
        "parent": _parent(kind, record),
        "can_reveal": may_reveal and not revealed,
        "reveal_form": reveal_form or RevealForm(),
        "is_revealed": bool(revealed),
    }
    if kind.detail_context is not None:
        context |= kind.detail_context(request, record)
    return render(request, kind.detail_template, context, status=status)


def render_detail(
    request: AuthenticatedHttpRequest, kind: RecordKind, record: Any, *, status: int = 200
) -> HttpResponse:
    """A record's page, for an app whose own action on it failed: its ``detail_context`` reads the bound forms the
    app left on the request, so the page shows what the user typed with the errors."""
    return _detail(request, kind, record, status=status)


def _parent(kind: RecordKind, record: Any) -> dict[str, Any] | None:
    """The record a child record belongs to (a posting for a work-log row), for the way back.
    Kinds in the menu stand on their own, even when they refer to another record (a posting's batch)."""
    if kind.in_menu:
        return None
    for column in kind.columns:
        if isinstance(column, RecordRef) and (parent := column.value(record)) is not None:
            parent_kind = kind_for_model(type(parent))
            if parent_kind is not None:
                return {"kind": parent_kind, "record": parent, "url": detail_url(parent_kind, parent)}
    return None


def _after_save(kind: RecordKind, record: Any) -> HttpResponse:
    parent = _parent(kind, record)
    return redirect(parent["url"] if parent else detail_url(kind, record))


@sensitive_post_parameters()  # personal columns are posted in clear: never in an error report
@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    record_kind = kind_of(kind)
    if not scope_of(request.user).can_write_anything:
        raise PermissionDenied
    initial = RecordForm.initial_from_query(record_kind, request.user, request.GET)
    form = RecordForm(record_kind, request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            require_record_write(record_kind, request.user, values)
            record = record_kind.create(actor=request.user, **values)
        except PermissionDenied:
            form.add_error(None, _("You may only record this for organisations where you may write."))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(kind)s saved.") % {"kind": record_kind.name.capitalize()})
            return _after_save(record_kind, record)
    return _form_page(request, record_kind, form, None)


@sensitive_post_parameters()  # personal columns are posted in clear: never in an error report
@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    record_kind = kind_of(kind)
    record = access_record(record_kind, request.user, public_id, for_write=True)
    form = RecordForm(record_kind, request.user, request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        changes = form.changes(record)
        current = {c.key: c.value(record) for c in record_kind.importable_columns}
        try:
            if changes:
                require_record_write(record_kind, request.user, current | changes)
                update_unless_changed(
                    record_kind,
                    actor=request.user,
                    record=record,
                    version=form.cleaned_data.get("version") or None,
                    changes=changes,
                )
        except PermissionDenied:
            form.add_error(None, _("You may only record this for organisations where you may write."))
        except ValidationError as error:
            form.add_service_errors(error)
        except EditConflict as conflict:
            # What the user typed stays, now on the current version: saving again deliberately keeps it.
            data = request.POST.copy()
            data["version"] = version_of(record_kind.model._default_manager.get(pk=record.pk))
            form = RecordForm(record_kind, request.user, data, record=record)
            form.is_valid()
            form.add_error(None, str(conflict))
        else:
            messages.success(request, _("Saved."))
            return _after_save(record_kind, record)
    return _form_page(request, record_kind, form, record)


def _form_page(request: AuthenticatedHttpRequest, kind: RecordKind, form: RecordForm, record: Any) -> HttpResponse:
    """The form; refused, it is a 400 that echoes what was typed (personal values too), so it is never cached."""
    context = {"kind": kind, "form": form, "record": record}
    response = render(request, "records/form.html", context, status=400 if form.errors else 200)
    if form.is_bound:
        add_never_cache_headers(response)
    return response


@login_required
@require_POST
def delete(request: AuthenticatedHttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    record_kind = kind_of(kind)
    record = access_record(record_kind, request.user, public_id, for_write=True)
    parent = _parent(record_kind, record)
    try:
        record_kind.delete(actor=request.user, record=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(detail_url(record_kind, record))
    except ProtectedError:
        messages.error(request, _("Other records refer to this one; remove them first."))
        return redirect(detail_url(record_kind, record))
    messages.success(request, _("Deleted."))
    return redirect(parent["url"] if parent else reverse("records:list", kwargs={"kind": record_kind.slug}))


@sensitive_post_parameters("q")  # an ID number typed into a woman's or a pregnancy's picker
@login_required
@require_POST
@sensitive_variables("text")
def pick(request: AuthenticatedHttpRequest, kind: str, key: str) -> HttpResponse:
    """A picker's suggestions (``columns.picker``): the column's targets in the user's scope whose code, name or
    number matches ``q``. POST, so the query never lands in a URL or an access log; never cached."""
    record_kind = kind_of(kind)
    column = next((c for c in record_kind.importable_columns if c.key == key and isinstance(c, Reference)), None)
    if column is None:
        raise Http404
    if not scope_of(request.user).can_write_anything:
        raise PermissionDenied
    text = " ".join(request.POST.get("q", "").split())[:100]
    try:
        limits.count("pick", f"user:{request.user.pk}", actor=request.user)
    except limits.RateLimited as refused:
        # htmx 4 swaps a 429 too: the list then says why, instead of holding a whole error page.
        response = render(request, "records/picker_suggestions.html", {"refused": refused.message}, status=429)
        response["Retry-After"] = str(refused.wait)
        add_never_cache_headers(response)
        return response
    suggestions = column.suggest(text, Lookup(request.user))
    response = render(request, "records/picker_suggestions.html", {"suggestions": suggestions, "query": text})
    add_never_cache_headers(response)
    return response


# --- import ------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """Upload a filled template. Small files are imported at once; larger ones in the background."""
    record_kind = kind_of(kind)
    if not scope_of(request.user).can_write_anything:
        raise PermissionDenied
    context: dict[str, Any] = {"kind": record_kind, "notes": _notes(record_kind)}
    upload = request.FILES.get("file") if request.method == "POST" else None
    if request.method == "POST":
        if upload is None:
            context["file_error"] = _("Choose a file to import.")
            return render(request, "records/import.html", context, status=400)
        try:
            limits.count("import", f"user:{request.user.pk}", actor=request.user)
        except limits.RateLimited as refused:
            context["file_error"] = refused.message
            response = render(request, "records/import.html", context, status=429)
            response["Retry-After"] = str(refused.wait)
            return response
        content = upload.read()
        try:
            headers, rows = tabular.read_table(upload.name or "", content)
        except ValidationError as error:
            context["file_error"] = " ".join(error.messages)
            return render(request, "records/import.html", context, status=400)
        if len(rows) <= settings.SHANHAI_IMPORT_INLINE_ROWS:
            context["result"] = imports.import_rows(record_kind, request.user, headers, rows)
            context["file_name"] = upload.name
            return render(request, "records/import.html", context, status=200 if context["result"].ok else 400)
        job = ImportJob.objects.create(
            kind=record_kind.slug,
            user=request.user,
            file_name=upload.name or "",
            content=content,
            total_rows=len(rows),
        )
        run_import.enqueue(job.pk)
        return redirect("records:import_job", kind=record_kind.slug, job_id=job.public_id)
    return render(request, "records/import.html", context)


def _notes(kind: RecordKind) -> list[tuple[str, str]]:
    return [(imports.header_of(c), imports.column_note(c)) for c in kind.importable_columns]


@login_required
@require_GET
def import_job(request: AuthenticatedHtmxRequest, kind: str, job_id: uuid.UUID) -> HttpResponse:
    record_kind = kind_of(kind)
    job = get_object_or_404(ImportJob, public_id=job_id, kind=record_kind.slug)
    if job.user_id != request.user.pk:
        raise Http404
    if job.status == ImportStatus.RUNNING and fail_stale_jobs():
        job.refresh_from_db()
    done, total = progress_of(job)
    context = {
        "kind": record_kind,
        "job": job,
        "done": done,
        "total": total or job.total_rows,
        "percent": int(100 * done / total) if total else 0,
        "is_failed": job.status == ImportStatus.FAILED,
    }
    template = "records/import_job.html"
    return render(request, f"{template}#status" if request.htmx else template, context)
