"""``POST /api/v1/imaging/studies/``: upload the DICOM files of one study (multipart); the study's record, its list
and its readings are served by the records framework's API (``/api/v1/records/imaging-studies/``…)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from shanhai.accounts.requests import AuthenticatedRequest
from shanhai.core.api import ApiView, errors, parsed
from shanhai.imaging import services
from shanhai.imaging.access import can_upload_at
from shanhai.partnerships.access import access_org_unit, access_partnership


class StudyUploadSerializer(serializers.Serializer):
    site = serializers.CharField(max_length=40, help_text="Code of the institution where the study was made.")
    partnership = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Number of the partnership it is read under."
    )
    files = serializers.ListField(child=serializers.FileField(), min_length=1, help_text="The study's DICOM files.")


class StudyUploadedSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    study_uid = serializers.CharField()
    modality = serializers.CharField()
    series_count = serializers.IntegerField()
    instance_count = serializers.IntegerField()


class StudyUpload(ApiView):
    request: AuthenticatedRequest
    parser_classes = [MultiPartParser]
    serializer_class = StudyUploadSerializer
    pagination_class = None

    @extend_schema(
        operation_id="imaging_studies_upload",
        summary="Upload the DICOM files of one study; nothing is stored if a file is refused",
        request={"multipart/form-data": StudyUploadSerializer},
        responses={201: StudyUploadedSerializer, **errors(400, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        """404 for a site or partnership outside the user's scope, 403 without write access at the site."""
        data = parsed(StudyUploadSerializer, request.data, request)
        site = access_org_unit(request.user, data["site"])
        partnership = access_partnership(request.user, data["partnership"]) if data.get("partnership") else None
        if not can_upload_at(request.user, site):
            raise PermissionDenied
        files = [(f.name or "", f.read()) for f in data["files"]]
        try:
            study = services.study_upload(actor=request.user, site=site, partnership=partnership, files=files)
        except ValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else {"files": error.messages}
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        return Response(StudyUploadedSerializer(study).data, status=status.HTTP_201_CREATED)
