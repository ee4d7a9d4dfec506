"""Programme and partnership endpoints: scoped lists, detail through the access functions,
creation through the services after the management checks."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from shanhai.accounts.requests import AuthenticatedRequest
from shanhai.core.api import ApiView, errors, parsed
from shanhai.partnerships.access import (
    access_org_unit,
    access_partnership,
    access_programme,
    require_partnership_management,
    require_programme_management,
)
from shanhai.partnerships.models import Partnership, Programme
from shanhai.partnerships.selectors import partnership_list, programme_list
from shanhai.partnerships.serializers import (
    PartnershipCreateSerializer,
    PartnershipDetailSerializer,
    PartnershipQuerySerializer,
    PartnershipSerializer,
    ProgrammeCreateSerializer,
    ProgrammeSerializer,
)
from shanhai.partnerships.services import partnership_create, programme_create


class ProgrammeListCreate(ApiView):
    request: AuthenticatedRequest

    serializer_class = ProgrammeCreateSerializer

    def get_queryset(self) -> QuerySet[Programme]:
        return programme_list(self.request.user)

    @extend_schema(
        operation_id="programmes_list",
        summary="Programmes the user owns or takes part in",
        responses={200: ProgrammeSerializer(many=True), **errors()},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Programmes owned in the user's subtrees, or with a partnership the user can see."""
        return self.paginated(self.get_queryset(), ProgrammeSerializer)

    @extend_schema(
        operation_id="programmes_create",
        summary="Create a programme owned by a unit the user manages partnerships at",
        request=ProgrammeCreateSerializer,
        responses={201: ProgrammeSerializer, **errors(400, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        """404 if the owner is not visible, 403 if the user does not manage partnerships there."""
        data = parsed(ProgrammeCreateSerializer, request.data, request)
        data["owner"] = access_org_unit(request.user, data["owner"])
        require_programme_management(request.user, data["owner"])
        programme = programme_create(actor=request.user, **data)
        return Response(
            ProgrammeSerializer(access_programme(request.user, programme.pk)).data, status=status.HTTP_201_CREATED
        )


class ProgrammeDetail(ApiView):
    request: AuthenticatedRequest

    @extend_schema(
        operation_id="programmes_retrieve",
        summary="One programme",
        responses={200: ProgrammeSerializer, **errors(404)},
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        """404 for a programme the user cannot see."""
        return Response(ProgrammeSerializer(access_programme(request.user, pk)).data)


class PartnershipListCreate(ApiView):
    request: AuthenticatedRequest

    serializer_class = PartnershipCreateSerializer

    def get_queryset(self) -> QuerySet[Partnership]:
        filters = parsed(PartnershipQuerySerializer, self.request.query_params, self.request)
        return partnership_list(self.request.user, filters=filters)

    @extend_schema(
        operation_id="partnerships_list",
        summary="Partnerships with either end in the user's scope",
        parameters=[PartnershipQuerySerializer],
        responses={200: PartnershipSerializer(many=True), **errors(400)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Partnerships whose supporter or recipient lies in the user's subtrees. A region filter
        narrows the list; it never widens it."""
        return self.paginated(self.get_queryset(), PartnershipSerializer)

    @extend_schema(
        operation_id="partnerships_create",
        summary="Create a partnership with one end the user manages partnerships at",
        request=PartnershipCreateSerializer,
        responses={201: PartnershipDetailSerializer, **errors(400, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        """404 if either end or the programme is not visible to the user, 403 if the user manages
        partnerships at neither end."""
        data = parsed(PartnershipCreateSerializer, request.data, request)
        data["supporter"] = access_org_unit(request.user, data["supporter"])
        data["recipient"] = access_org_unit(request.user, data["recipient"])
        if data["programme"] is not None:
            data["programme"] = access_programme(request.user, data["programme"])
        require_partnership_management(request.user, data["supporter"], data["recipient"])
        partnership = partnership_create(actor=request.user, **data)
        return Response(PartnershipDetailSerializer(partnership).data, status=status.HTTP_201_CREATED)


class PartnershipDetail(ApiView):
    request: AuthenticatedRequest

    @extend_schema(
        operation_id="partnerships_retrieve",
        summary="One partnership, with its agreements and targets",
        responses={200: PartnershipDetailSerializer, **errors(404)},
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        """404 for a partnership the user cannot see."""
        return Response(PartnershipDetailSerializer(access_partnership(request.user, pk)).data)
