"""The consultation workflow over the API: ``POST /api/v1/consultations/<number>/<action>/`` with the action's fields.
The consultation itself (list, read, create, change, delete) is the records framework's
``/api/v1/records/consultations/``; the same access rules apply (404 outside the user's scope, 403 for an action
that is the other side's)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from shanhai.accounts.requests import AuthenticatedRequest
from shanhai.core.api import ApiView, errors
from shanhai.records.access import access_record
from shanhai.records.kinds import kind_of
from shanhai.records.lookup import Lookup
from shanhai.telehealth import services
from shanhai.telehealth.columns import experts_for, pools_for
from shanhai.telehealth.models import Consultation, Decision, Status

ACTIONS = services.ACTIONS
NOT_FOUND = "“%(value)s” was not found among the records you can see."


class ActionRequest(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, help_text="decline, cancel")
    answer = serializers.CharField(required=False, allow_blank=True, max_length=8000, help_text="answer")
    decision = serializers.ChoiceField(choices=Decision.choices, required=False, help_text="decide")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, help_text="decide, reassign")
    pool = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1, help_text="reassign: pool number"
    )
    expert = serializers.CharField(required=False, allow_blank=True, max_length=150, help_text="reassign: user name")


class ActionResult(serializers.Serializer[Any]):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)


class ConsultationAction(ApiView):
    request: AuthenticatedRequest
    serializer_class = ActionRequest
    pagination_class = None

    @extend_schema(
        operation_id="consultations_action",
        summary="One step of a consultation's workflow",
        tags=["consultations"],
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(ACTIONS))],
        request=ActionRequest,
        responses={200: ActionResult, **errors(400, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest, public_id: uuid.UUID, action: str) -> Response:
        """`accept`, `start`, `close`: no fields. `decline`, `cancel`: `reason`. `answer`: `answer`. `decide`:
        `decision` (adopted, modified, not_adopted) and `note` (required unless adopted). `reassign`: `pool` and/or
        `expert`, `note`."""
        if action not in ACTIONS:
            raise Http404
        consultation: Consultation = access_record(kind_of("consultations"), request.user, public_id)
        body = ActionRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        lookup = Lookup(request.user)
        pool = pools_for(lookup).filter(pk=data["pool"]).first() if data.get("pool") else None
        expert = experts_for(lookup).filter(username=data["expert"]).first() if data.get("expert") else None
        if data.get("pool") and pool is None:
            raise DjangoValidationError({"pool": _(NOT_FOUND) % {"value": data["pool"]}})
        if data.get("expert") and expert is None:
            raise DjangoValidationError({"expert": _(NOT_FOUND) % {"value": data["expert"]}})
        done = services.consultation_act(
            actor=request.user,
            consultation=consultation,
            action=action,
            reason=data.get("reason", ""),
            answer=data.get("answer", ""),
            decision=data.get("decision", ""),
            note=data.get("note", ""),
            pool=pool,
            expert=expert,
        )
        return Response({"number": done.number, "status": done.status})
