"""API plumbing shared by every app: domain errors become 400 responses with field messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        detail = {("non_field_errors" if k == "__all__" else k): v for k, v in detail.items()}
        exc = ValidationError(detail=detail)
    return drf_exception_handler(exc, context)
