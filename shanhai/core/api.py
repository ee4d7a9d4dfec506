"""API plumbing shared by every app (the org-unit endpoints are in ``portal.org_api``).

Domain errors (Django ``ValidationError`` from the services) become 400 responses with field
messages; ``Http404``/``PermissionDenied`` from the access functions become 404/403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import BasePagination, LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shanhai.core import limits

#: The largest id an id parameter may name (the BigAutoField range): beyond it, a 400 rather than a database overflow.
MAX_ID = 2**63 - 1


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        detail = {("non_field_errors" if k == "__all__" else k): v for k, v in detail.items()}
        exc = ValidationError(detail=detail)
    if isinstance(exc, limits.RateLimited):
        exc = Throttled(wait=exc.wait, detail=exc.message)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 400:
        response.data = field_messages(response.data)
    return response


def field_messages(data: Any) -> dict[str, list[str]]:
    """Any 400 body as the document declares it, messages by field: a parse error's ``detail`` and a list of
    messages become ``non_field_errors``; nested messages (an item of a list) are flattened onto their field."""
    if isinstance(data, dict) and set(data) != {"detail"}:
        return {str(key): _flattened(value) for key, value in data.items()}
    return {"non_field_errors": _flattened(data.get("detail") if isinstance(data, dict) else data)}


def _flattened(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [message for item in value.values() for message in _flattened(item)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _flattened(item)]
    return [str(value)]


@csrf_exempt  # it reads nothing and writes nothing, whatever the method
def not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    """Any address under the API that names no endpoint (an id that is not one, a misspelt path): the API's
    JSON 404, not the HTML page of the site."""
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)


# --- what the OpenAPI document says about errors -------------------------------------------------
class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


FIELD_ERRORS = {
    "type": "object",
    "description": "Messages by field; `non_field_errors` holds those about the whole record.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERROR_RESPONSES: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(FIELD_ERRORS, description="Invalid input: messages by field."),
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(ErrorSerializer, description="Authenticated, but not allowed to do this here."),
    404: OpenApiResponse(ErrorSerializer, description="No such record within the user's scope."),
    412: OpenApiResponse(
        ErrorSerializer,
        description="The record changed since the version named in If-Match (its ETag): nothing written.",
    ),
}


def declare_unsupported_media_type(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation that takes a body may answer 415 (a body of a media
    type it does not read), as DRF does before the view runs."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation["responses"].setdefault(
                    "415",
                    {
                        "description": "A body of a media type the endpoint does not read.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"detail": {"type": "string"}},
                                    "required": ["detail"],
                                }
                            }
                        },
                    },
                )
    return result


def declare_rate_limit(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation may answer 429 (``RateLimit``, the sign-in limit)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault(
                    "429",
                    {
                        "description": "Too many requests: wait the seconds in Retry-After.",
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"detail": {"type": "string"}},
                                    "required": ["detail"],
                                }
                            }
                        },
                    },
                )
    return result


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error responses an operation declares (401 is implied: every endpoint needs a user)."""
    return {code: ERROR_RESPONSES[code] for code in sorted({401, *codes})}


def parsed(serializer_class: type[serializers.Serializer], data: Any, request: Request) -> dict[str, Any]:
    """Validate query parameters or a request body; a 400 with field messages if invalid."""
    serializer = serializer_class(data=data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class Pagination(LimitOffsetPagination):
    """Limit/offset pages of at most 500 rows, documented without DRF's example host."""

    max_limit = 500

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            response["properties"][link].pop("example", None)
        return response


class ApiView(GenericAPIView):
    """Base of the record endpoints. A list view's ``get_queryset`` parses its query parameters
    and calls the app's selector, so django-filter's backend (the project default) is not used.
    ``serializer_class`` is the create serializer: it gives the browsable API its form."""

    filter_backends: list[Any] = []
    pagination_class: type[BasePagination] | None = Pagination

    def paginated(self, records: QuerySet[Any], serializer_class: type[serializers.BaseSerializer]) -> Response:
        page = self.paginate_queryset(records)
        return self.get_paginated_response(serializer_class(page, many=True).data)
