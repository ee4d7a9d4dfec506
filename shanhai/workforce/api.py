"""People endpoints: scoped lists, detail by ``public_id``, creation through ``person_create``."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from shanhai.accounts.requests import AuthenticatedRequest
from shanhai.core.api import ApiView, errors, parsed
from shanhai.partnerships.access import access_org_unit
from shanhai.workforce.access import access_person
from shanhai.workforce.models import Person
from shanhai.workforce.selectors import person_list
from shanhai.workforce.serializers import PersonCreateSerializer, PersonQuerySerializer, PersonSerializer
from shanhai.workforce.services import person_create


class PersonListCreate(ApiView):
    request: AuthenticatedRequest

    serializer_class = PersonCreateSerializer

    def get_queryset(self) -> QuerySet[Person]:
        query = parsed(PersonQuerySerializer, self.request.query_params, self.request)
        return person_list(
            self.request.user,
            search=query.get("q", ""),
            institution=query.get("institution"),
            title_level=query.get("title_level", ""),
        )

    @extend_schema(
        operation_id="people_list",
        summary="People in the user's scope",
        parameters=[PersonQuerySerializer],
        responses={200: PersonSerializer(many=True), **errors(400)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Staff of the institutions in the user's subtrees. Phone numbers are masked."""
        return self.paginated(self.get_queryset(), PersonSerializer)

    @extend_schema(
        operation_id="people_create",
        summary="Register a person at an institution the user may write to",
        request=PersonCreateSerializer,
        responses={201: PersonSerializer, **errors(400, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        """404 if the institution is not visible to the user, 403 if the user may not write there."""
        data = parsed(PersonCreateSerializer, request.data, request)
        data["institution"] = access_org_unit(request.user, data["institution"], for_write=True)
        person = person_create(actor=request.user, **data)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)


class PersonDetail(ApiView):
    request: AuthenticatedRequest

    @extend_schema(
        operation_id="people_retrieve",
        summary="One person, by public id",
        responses={200: PersonSerializer, **errors(404)},
    )
    def get(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Response:
        """404 outside the user's subtrees. The phone number is masked."""
        return Response(PersonSerializer(access_person(request.user, public_id)).data)
