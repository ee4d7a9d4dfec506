"""Pages of remote image review: upload, the viewer, the images (every one access-checked), readings, the report.

A study's own page is the records framework's detail page (``imaging/study_detail.html``)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.selectors import in_subtrees
from shanhai.imaging import services
from shanhai.imaging.access import (
    access_reading,
    access_study,
    can_record_preliminary,
    can_upload_at,
    require_remote_reader,
)
from shanhai.imaging.documents import reading_pdf
from shanhai.imaging.models import ImagingStudy, ReadingKind
from shanhai.imaging.store import DICOM_MEDIA_TYPE, StoreError, get_store, masked_instance, render_png
from shanhai.partnerships.models import Partnership
from shanhai.partnerships.selectors import partnership_visibility


def _study_page(study: ImagingStudy) -> str:
    return reverse("records:detail", kwargs={"kind": "imaging-studies", "public_id": study.public_id})


def _errors(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): each cleaned as a file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    site = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=gettext_lazy("Site"))
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(), label=gettext_lazy("Partnership"), required=False
    )
    dicom_files = MultipleFileField(
        label=gettext_lazy("DICOM files"),
        widget=MultipleFileInput(attrs={"accept": ".dcm,application/dicom"}),
        help_text=gettext_lazy("The files of one study; each at most the size limit."),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        scope = scope_of(user)
        units = OrgUnit.objects.filter(kind__in=_institution_kinds())
        site_field = self.fields["site"]
        partnership_field = self.fields["partnership"]
        assert isinstance(site_field, forms.ModelChoiceField) and isinstance(partnership_field, forms.ModelChoiceField)
        writable = units if scope.is_admin else units.filter(in_subtrees(list(scope.write_paths), "path"))
        site_field.queryset = writable.order_by("path")
        partnership_field.queryset = (
            Partnership.objects.filter(partnership_visibility(user)).select_related("supporter", "recipient")
        ).order_by("recipient__name", "supporter__name")


def _institution_kinds() -> list[str]:
    return [k for k in OrgUnitKind.values if k not in OrgUnitKind.region_kinds()]


@login_required
def study_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            site = form.cleaned_data["site"]
            if not can_upload_at(request.user, site):
                raise PermissionDenied
            files = [(f.name or "", f.read()) for f in form.cleaned_data["dicom_files"]]
            try:
                study = services.study_upload(
                    actor=request.user, site=site, partnership=form.cleaned_data["partnership"], files=files
                )
            except ValidationError as error:
                form.add_error("dicom_files" if not hasattr(error, "error_dict") else None, error)
                status = 400
            except StoreError:
                form.add_error(None, _("The image archive cannot be reached; nothing was stored. Try again later."))
                status = 503
            else:
                messages.success(request, _("The study is stored: %(count)d images.") % {"count": study.instance_count})
                return redirect(_study_page(study))
        else:
            status = 400
    return render(request, "imaging/upload.html", {"form": form}, status=status)


@login_required
@require_GET
def study_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return redirect(_study_page(access_study(request.user, public_id)))


@login_required
@require_GET
def study_viewer(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    study = access_study(request.user, public_id)
    try:
        series = get_store(study.store).series(study.study_uid)
    except StoreError:
        series = []
        messages.error(request, _("The image archive cannot be reached."))
    urls = [
        reverse("imaging:instance", kwargs={"public_id": study.public_id, "sop_uid": sop})
        for s in series
        for sop in s.instances
    ]
    return render(
        request,
        "imaging/viewer.html",
        {"study": study, "series": series, "urls": urls, "study_page": _study_page(study)},
    )


@login_required
@require_GET
def study_instances(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> JsonResponse:
    study = access_study(request.user, public_id)
    series = get_store(study.store).series(study.study_uid)
    return JsonResponse(
        {
            "series": [
                {
                    "uid": s.uid,
                    "modality": s.modality,
                    "instances": [
                        reverse("imaging:instance", kwargs={"public_id": study.public_id, "sop_uid": sop})
                        for sop in s.instances
                    ],
                }
                for s in series
            ]
        }
    )


def _instance_bytes(request: AuthenticatedHttpRequest, public_id: uuid.UUID, sop_uid: str) -> bytes:
    study = access_study(request.user, public_id)
    content = get_store(study.store).instance(study.study_uid, sop_uid)
    if content is None:
        raise Http404
    return content


@login_required
@require_GET
def instance(request: AuthenticatedHttpRequest, public_id: uuid.UUID, sop_uid: str) -> HttpResponse:
    """The instance as application/dicom, the patient's name and ID masked."""
    content = masked_instance(_instance_bytes(request, public_id, sop_uid))
    return HttpResponse(content, content_type=DICOM_MEDIA_TYPE)


@login_required
@require_GET
def instance_rendered(request: AuthenticatedHttpRequest, public_id: uuid.UUID, sop_uid: str) -> HttpResponse:
    """A frame as PNG; ``?center=&width=`` set the window (Hounsfield units for CT)."""
    content = _instance_bytes(request, public_id, sop_uid)
    try:
        center = float(request.GET["center"]) if request.GET.get("center") else None
        width = float(request.GET["width"]) if request.GET.get("width") else None
        frame = int(request.GET.get("frame") or 1)
    except ValueError:
        return HttpResponse(_("The window must be given as numbers."), status=400, content_type="text/plain")
    return HttpResponse(render_png(content, frame=frame, center=center, width=width), content_type="image/png")


@login_required
@require_POST
def reading_preliminary(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    study = access_study(request.user, public_id)
    if not can_record_preliminary(request.user, study):
        raise PermissionDenied
    try:
        services.reading_record_preliminary(
            actor=request.user,
            study=study,
            kind=request.POST.get("kind", ReadingKind.LOCAL_PRELIMINARY),
            findings=request.POST.get("findings", ""),
            impression=request.POST.get("impression", ""),
            is_critical=request.POST.get("is_critical") == "on",
            reader_name=request.POST.get("reader_name", ""),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The preliminary reading is recorded."))
    return redirect(_study_page(study))


@login_required
@require_POST
def reading_request_second(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    study = access_study(request.user, public_id)
    if not can_record_preliminary(request.user, study):
        raise PermissionDenied
    try:
        services.reading_request(actor=request.user, study=study, kind=ReadingKind.SECOND_OPINION)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("A second reading is requested."))
    return redirect(_study_page(study))


@login_required
@require_POST
def reading_sign(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    reading = access_reading(request.user, public_id)
    require_remote_reader(request.user, reading.study)
    try:
        services.reading_sign(
            actor=request.user,
            reading=reading,
            findings=request.POST.get("findings", ""),
            impression=request.POST.get("impression", ""),
            is_critical=request.POST.get("is_critical") == "on",
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The reading is signed."))
    return redirect(_study_page(reading.study))


@login_required
@require_GET
def reading_report(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    reading = access_reading(request.user, public_id)
    response = HttpResponse(reading_pdf(reading), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="imaging-report-{reading.public_id}.pdf"'
    return response
