"""Indicator endpoints: the registry, and values computed by the one engine for a scope the user
may read (org unit, programme, partnership) and a period."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from shanhai.accounts.requests import AuthenticatedRequest
from shanhai.analytics.engine import evaluate
from shanhai.analytics.registry import registry
from shanhai.core.api import errors, parsed
from shanhai.portal.access import access_scope
from shanhai.portal.serializers import IndicatorSerializer, IndicatorValueSerializer, IndicatorValuesQuerySerializer


class IndicatorList(APIView):
    @extend_schema(
        operation_id="indicators_list",
        summary="Every registered indicator",
        responses={200: IndicatorSerializer(many=True), **errors()},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Names, units and definitions; `unit` and `definition` follow the request's language."""
        indicators = sorted(registry.indicators.values(), key=lambda indicator: indicator.code)
        return Response(IndicatorSerializer(indicators, many=True).data)


class IndicatorValues(APIView):
    @extend_schema(
        operation_id="indicators_values",
        summary="Indicator values for one scope and period, from the indicator engine",
        parameters=[IndicatorValuesQuerySerializer],
        responses={200: IndicatorValueSerializer(many=True), **errors(400, 404)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Give at least one of `org`, `programme`, `partnership` (404 if the user cannot see it).
        `value` is null and `is_reported` false when nothing was reported: unknown is not zero."""
        query = parsed(IndicatorValuesQuerySerializer, request.query_params, request)
        user = request.user
        scope = access_scope(
            user,
            org_code=query.get("org"),
            programme_id=query.get("programme"),
            partnership_id=query.get("partnership"),
            side=query["side"],
        )
        values = evaluate(query["indicator"], scope, query["period"])
        return Response([value.as_dict() for value in values])
