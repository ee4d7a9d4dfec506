"""API endpoints of every record kind, generated from its declaration: ``/api/v1/records/<slug>/``.

Input uses the same cell representations as the import (unit codes, partnership numbers, record
numbers, dates as YYYY-MM-DD, months as YYYY-MM, choices by value or label) and goes through the same
column parsers and the kind's services; output gives each column's cell value plus ``public_id``.
Personal columns are served masked; kinds with any get ``POST …/<public_id>/reveal/`` (``accounts.reveal``).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, QuerySet
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from shanhai.accounts.requests import AuthenticatedRequest
from shanhai.accounts.reveal import can_reveal, reveal_personal, reveal_refused
from shanhai.core.api import ApiView, errors
from shanhai.records import columns as cols
from shanhai.records.access import access_record, require_record_write
from shanhai.records.concurrency import EditConflict, update_unless_changed, version_of
from shanhai.records.filters import record_filter
from shanhai.records.kinds import RecordKind, all_kinds
from shanhai.records.lookup import Lookup
from shanhai.records.selectors import record_list


class _Cell(serializers.Field[Any, Any, Any, Any]):
    def __init__(self, column: cols.Column, **kwargs: Any) -> None:
        self.column = column
        super().__init__(source="*", read_only=True, label=str(column.label), **kwargs)

    def to_representation(self, record: Any) -> Any:
        value = self.column.cell(record)
        return value.isoformat() if isinstance(value, date) else value


@extend_schema_field(OpenApiTypes.STR)
class TextCell(_Cell):
    pass


@extend_schema_field(OpenApiTypes.INT)
class IntegerCell(_Cell):
    pass


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberCell(_Cell):
    pass


@extend_schema_field(OpenApiTypes.DATE)
class DateCell(_Cell):
    pass


@extend_schema_field({"anyOf": [{"type": "string"}, {"type": "number"}]})
class ValueCell(_Cell):
    """A cell whose column computes it (a derived count, a decimal of the app's own): text or a number."""


#: The column classes whose ``cell`` gives text (or nothing): a column whose ``cell`` is one of theirs is a text cell.
TEXT_CELLS = (cols.Column, cols.Choice, cols.Boolean, cols.Month, cols.Personal, cols.Reference)


def _cell_field(column: cols.Column) -> _Cell:
    """The output field of a column, declared with the type its ``cell`` gives (every cell may be empty)."""
    if isinstance(column, cols.Integer):
        return IntegerCell(column, allow_null=True)
    if isinstance(column, cols.Amount):
        return NumberCell(column, allow_null=True)
    if isinstance(column, cols.Date):
        return DateCell(column, allow_null=True)
    if any(type(column).cell is text.cell for text in TEXT_CELLS):
        return TextCell(column, allow_null=True)
    return ValueCell(column, allow_null=True)


def _class_name(kind: RecordKind) -> str:
    return "".join(part.capitalize() for part in kind.slug.replace("-", " ").split())


def output_serializer(kind: RecordKind) -> type[serializers.Serializer[Any]]:
    fields: dict[str, Any] = {"public_id": serializers.UUIDField(read_only=True)}
    fields |= {c.key: _cell_field(c) for c in kind.columns}
    return type(f"{_class_name(kind)}Record", (serializers.Serializer,), fields)


def input_serializer(kind: RecordKind) -> type[serializers.Serializer[Any]]:
    fields = {c.key: c.api_field() for c in kind.importable_columns}
    return type(f"{_class_name(kind)}Input", (serializers.Serializer,), fields)


class RevealRequest(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the personal data is needed (at least 4 characters); kept in the audit trail.",
    )


def revealed_serializer(kind: RecordKind) -> type[serializers.Serializer[Any]]:
    fields = {c.key: serializers.CharField(read_only=True, label=str(c.label)) for c in kind.personal_columns}
    return type(f"{_class_name(kind)}Revealed", (serializers.Serializer,), fields)


def _parse(kind: RecordKind, request: AuthenticatedRequest, *, partial: bool) -> dict[str, Any]:
    """Check types with the input serializer, then read each value with its column's parser."""
    serializer = input_serializer(kind)(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    lookup, values, problems = Lookup(request.user), {}, {}
    for column in kind.importable_columns:
        if column.key not in request.data and partial:
            continue
        raw = request.data.get(column.key)
        if isinstance(raw, list):
            raw = "；".join(str(item) for item in raw)
        try:
            values[column.key] = column.parse(raw, lookup)
        except DjangoValidationError as error:
            problems[column.key] = error.messages
    if problems:
        raise ValidationError(problems)
    return values


def list_parameters(kind: RecordKind) -> list[OpenApiParameter]:
    """The list page's filters, as query parameters (only those the kind has)."""
    parameters = []
    if kind.search_fields:
        parameters.append(OpenApiParameter("q", str, description="Text in the searchable fields."))
    if kind.partnership_field or hasattr(kind.model, "programme"):
        parameters.append(OpenApiParameter("programme", int, description="Programme number."))
    if kind.partnership_field:
        parameters.append(OpenApiParameter("partnership", int, description="Partnership number."))
    parameters.append(OpenApiParameter("region", str, description="Code of a province, prefecture or county."))
    if kind.date_field:
        parameters.append(OpenApiParameter("period", str, description="2023, 2023Q2, 202305, 2021Oct or A..B."))
    for key in kind.filter_keys:
        column = kind.column(key)
        values = (
            [value for value, _label in column.choices.choices]
            if isinstance(column, cols.Choice) and column.choices
            else []
        )
        parameters.append(OpenApiParameter(key, str, enum=values, description=str(column.label)))
    return parameters


def _views(kind: RecordKind) -> tuple[type[ApiView], type[ApiView]]:
    name = _class_name(kind)
    output, incoming = output_serializer(kind), input_serializer(kind)
    tag = kind.slug

    class ListCreate(ApiView):
        request: AuthenticatedRequest
        serializer_class = incoming

        def get_queryset(self) -> QuerySet[Any]:
            records = record_list(kind, self.request.user)
            filterset = record_filter(kind, self.request.query_params, records, self.request)
            if not filterset.is_valid():
                raise ValidationError(filterset.errors)
            result: QuerySet[Any] = filterset.qs
            if filterset.form.errors:
                raise ValidationError(filterset.form.errors)
            return result

        @extend_schema(
            operation_id=f"{kind.slug.replace('-', '_')}_list",
            summary=f"{kind.model._meta.verbose_name_plural} in the user's scope",
            tags=[tag],
            parameters=list_parameters(kind),
            responses={200: output(many=True), **errors(400)},
        )
        def get(self, request: AuthenticatedRequest) -> Response:
            """Records the user can see; `q`, `programme`, `partnership`, `region` (code), `period` filter them."""
            return self.paginated(self.get_queryset(), output)

        @extend_schema(
            operation_id=f"{kind.slug.replace('-', '_')}_create",
            summary=f"Record a {kind.model._meta.verbose_name}",
            tags=[tag],
            request=incoming,
            responses={201: output, **errors(400, 403)},
        )
        def post(self, request: AuthenticatedRequest) -> Response:
            """Values as in the import template's cells; 403 if the user may not write at its units."""
            values = _parse(kind, request, partial=False)
            if kept := cols.kept_keys(values):
                raise ValidationError({key: [str(cols.MASKED_VALUE)] for key in kept})
            require_record_write(kind, request.user, values)
            record = kind.create(actor=request.user, **values)
            return Response(output(record).data, status=status.HTTP_201_CREATED)

    class Detail(ApiView):
        request: AuthenticatedRequest
        serializer_class = incoming

        @extend_schema(
            operation_id=f"{kind.slug.replace('-', '_')}_retrieve",
            summary=f"One {kind.model._meta.verbose_name}",
            tags=[tag],
            responses={200: output, **errors(404)},
        )
        def get(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Response:
            """404 outside the user's scope. The ``ETag`` header names the record's version: send it back as
            ``If-Match`` with a change or a delete, and a save made meanwhile by someone else is a 412."""
            record = access_record(kind, request.user, public_id)
            return _tagged(Response(output(record).data), record)

        @extend_schema(
            operation_id=f"{kind.slug.replace('-', '_')}_update",
            summary=f"Change a {kind.model._meta.verbose_name}",
            tags=[tag],
            request=incoming,
            responses={200: output, **errors(400, 403, 404, 412)},
        )
        def patch(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Response:
            """Only the fields sent change; a masked personal value (with *) leaves the stored one. With
            ``If-Match`` (the ``ETag`` of a read), a record changed meanwhile is a 412 and nothing is written."""
            record = access_record(kind, request.user, public_id, for_write=True)
            version = _if_match(request)
            values = _parse(kind, request, partial=True)
            changes = {k: v for k, v in values.items() if not kind.column(k).same(kind.column(k).value(record), v)}
            if changes:
                current = {c.key: c.value(record) for c in kind.importable_columns}
                require_record_write(kind, request.user, current | changes)
                try:
                    record = update_unless_changed(
                        kind, actor=request.user, record=record, version=version, changes=changes
                    )
                except EditConflict as conflict:
                    raise PreconditionFailed(str(conflict)) from None
            elif version is not None and version != version_of(record):
                raise PreconditionFailed(str(EditConflict()))
            saved = access_record(kind, request.user, record.public_id)
            return _tagged(Response(output(saved).data), saved)

        @extend_schema(
            operation_id=f"{kind.slug.replace('-', '_')}_destroy",
            summary=f"Delete a {kind.model._meta.verbose_name}",
            tags=[tag],
            responses={204: None, **errors(400, 403, 404, 412)},
        )
        def delete(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Response:
            """Its figures are withdrawn at once; 400 while other records refer to it; 412 when ``If-Match``
            names a version the record no longer has."""
            record = access_record(kind, request.user, public_id, for_write=True)
            version = _if_match(request)
            if version is not None and version != version_of(record):
                raise PreconditionFailed(str(EditConflict()))
            try:
                kind.delete(actor=request.user, record=record)
            except ProtectedError:
                raise ValidationError(
                    {"non_field_errors": [_("Other records refer to this one; remove them first.")]}
                ) from None
            return Response(status=status.HTTP_204_NO_CONTENT)

    ListCreate.__name__ = ListCreate.__qualname__ = f"{name}ListCreate"
    Detail.__name__ = Detail.__qualname__ = f"{name}Detail"
    return ListCreate, Detail


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def _if_match(request: AuthenticatedRequest) -> str | None:
    """The version an ``If-Match`` header names (``None`` without one, or with ``*``: any version)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    return header.removeprefix("W/").strip('"')


def _tagged(response: Response, record: Any) -> Response:
    response["ETag"] = f'"{version_of(record)}"'
    return response


def _reveal_view(kind: RecordKind) -> type[ApiView]:
    revealed = revealed_serializer(kind)

    class Reveal(ApiView):
        request: AuthenticatedRequest
        serializer_class = RevealRequest
        pagination_class = None

        @extend_schema(
            operation_id=f"{kind.slug.replace('-', '_')}_reveal",
            summary=f"Personal data of a {kind.model._meta.verbose_name} in clear",
            tags=[kind.slug],
            request=RevealRequest,
            responses={200: revealed, **errors(400, 403, 404)},
        )
        @sensitive_variables()
        def post(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Response:
            """Needs the `reveals_personal` permission at the record's organisation (403 without) and a
            reason (400 without); the viewing, with the reason, is recorded in the audit trail."""
            record = access_record(kind, request.user, public_id)
            unit = kind.personal_unit_of(record, request.user)
            if not can_reveal(request.user, unit):
                raise reveal_refused(
                    actor=request.user, obj=record, fields=[c.key for c in kind.personal_columns], org_unit=unit
                )
            reason = RevealRequest(data=request.data)
            reason.is_valid(raise_exception=True)
            values = reveal_personal(
                actor=request.user,
                obj=record,
                fields=[c.key for c in kind.personal_columns],
                reason=reason.validated_data["reason"],
                org_unit=unit,
            )
            return Response(values, headers={"Cache-Control": "no-store"})

    Reveal.__name__ = Reveal.__qualname__ = f"{_class_name(kind)}Reveal"
    return Reveal


def urlpatterns() -> list[URLPattern]:
    patterns = []
    for kind in all_kinds():
        list_view, detail_view = _views(kind)
        patterns += [
            path(f"records/{kind.slug}/", list_view.as_view(), name=f"api-records-{kind.slug}"),
            path(f"records/{kind.slug}/<uuid:public_id>/", detail_view.as_view(), name=f"api-record-{kind.slug}"),
        ]
        if kind.personal_columns:
            patterns.append(
                path(
                    f"records/{kind.slug}/<uuid:public_id>/reveal/",
                    _reveal_view(kind).as_view(),
                    name=f"api-record-{kind.slug}-reveal",
                )
            )
    return patterns
