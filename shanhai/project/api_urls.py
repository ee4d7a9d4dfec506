"""Version 1 of the REST API, mounted at ``/api/v1/``: every endpoint in one list."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from shanhai.accounts.api import TokenObtain
from shanhai.accounts.api_tokens import TOKEN_KEY_PATTERN
from shanhai.accounts.tokens import TokenList, TokenLogout, TokenLogoutAll, TokenRevoke
from shanhai.core.api import not_found
from shanhai.imaging.api import StudyUpload
from shanhai.partnerships.api import PartnershipDetail, PartnershipListCreate, ProgrammeDetail, ProgrammeListCreate
from shanhai.portal.indicator_api import IndicatorList, IndicatorValues
from shanhai.portal.org_api import OrgUnitDetail, OrgUnitListCreate
from shanhai.records.api import urlpatterns as record_urlpatterns
from shanhai.telehealth.api import ConsultationAction
from shanhai.workforce.api import PersonDetail, PersonListCreate

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", TokenObtain.as_view(), name="api-token"),
    path("auth/logout/", TokenLogout.as_view(), name="api-logout"),
    path("auth/logout-all/", TokenLogoutAll.as_view(), name="api-logout-all"),
    path("auth/tokens/", TokenList.as_view(), name="api-tokens"),
    re_path(rf"^auth/tokens/(?P<token_key>{TOKEN_KEY_PATTERN})/$", TokenRevoke.as_view(), name="api-token-revoke"),
    path("org-units/", OrgUnitListCreate.as_view(), name="api-org-units"),
    path("org-units/<str:code>/", OrgUnitDetail.as_view(), name="api-org-unit"),
    path("people/", PersonListCreate.as_view(), name="api-people"),
    path("people/<uuid:public_id>/", PersonDetail.as_view(), name="api-person"),
    path("programmes/", ProgrammeListCreate.as_view(), name="api-programmes"),
    path("programmes/<int:pk>/", ProgrammeDetail.as_view(), name="api-programme"),
    path("partnerships/", PartnershipListCreate.as_view(), name="api-partnerships"),
    path("partnerships/<int:pk>/", PartnershipDetail.as_view(), name="api-partnership"),
    path("indicators/", IndicatorList.as_view(), name="api-indicators"),
    path("indicators/values/", IndicatorValues.as_view(), name="api-indicator-values"),
    path("imaging/studies/", StudyUpload.as_view(), name="api-imaging-upload"),
]
urlpatterns += [
    path("consultations/<uuid:public_id>/<slug:action>/", ConsultationAction.as_view(), name="api-consultation-action"),
]
urlpatterns += record_urlpatterns()
# Last: an address that names no endpoint gets the API's JSON 404.
urlpatterns.append(re_path(r"^(?P<unmatched>[\s\S]*)$", not_found))
