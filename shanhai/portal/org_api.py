"""The org-unit endpoints of the API (``/api/v1/org-units/``): what a user may see of the tree."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from shanhai.accounts.requests import AuthenticatedRequest
from shanhai.core.api import ApiView, errors, parsed
from shanhai.core.models import OrgUnit
from shanhai.core.serializers import OrgUnitCreateSerializer, OrgUnitQuerySerializer, OrgUnitSerializer
from shanhai.core.services import org_unit_create
from shanhai.partnerships.access import access_org_unit, require_org_write, visible_org_units


# --- org units ---------------------------------------------------------------------------------
class OrgUnitListCreate(ApiView):
    request: AuthenticatedRequest

    serializer_class = OrgUnitCreateSerializer

    def get_queryset(self) -> QuerySet[OrgUnit]:
        query = parsed(OrgUnitQuerySerializer, self.request.query_params, self.request)
        units = visible_org_units(self.request.user).select_related("grade", "parent").order_by("path")
        if kind := query.get("kind"):
            units = units.filter(kind=kind)
        if parent := query.get("parent"):
            units = units.filter(parent__code=parent)
        if text := query.get("q"):
            units = units.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
        return units

    @extend_schema(
        operation_id="org_units_list",
        summary="Organisation units the user can see",
        parameters=[OrgUnitQuerySerializer],
        responses={200: OrgUnitSerializer(many=True), **errors(400)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """The user's subtrees, plus the units at either end of the partnerships they can see."""
        return self.paginated(self.get_queryset(), OrgUnitSerializer)

    @extend_schema(
        operation_id="org_units_create",
        summary="Create an organisation unit under a parent the user may write to",
        request=OrgUnitCreateSerializer,
        responses={201: OrgUnitSerializer, **errors(400, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        """404 if the parent is not visible, 403 if the user may not write under it (a new root
        needs a system administrator)."""
        data = parsed(OrgUnitCreateSerializer, request.data, request)
        parent_code = data.pop("parent", None)
        parent = access_org_unit(request.user, parent_code) if parent_code else None
        require_org_write(request.user, parent)
        unit = org_unit_create(actor=request.user, parent=parent, **data)
        return Response(OrgUnitSerializer(unit).data, status=status.HTTP_201_CREATED)


class OrgUnitDetail(ApiView):
    request: AuthenticatedRequest

    @extend_schema(
        operation_id="org_units_retrieve",
        summary="One organisation unit, by code",
        responses={200: OrgUnitSerializer, **errors(404)},
    )
    def get(self, request: AuthenticatedRequest, code: str) -> Response:
        """404 for a unit the user cannot see."""
        return Response(OrgUnitSerializer(access_org_unit(request.user, code)).data)
