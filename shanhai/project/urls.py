from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("shanhai.portal.urls")),
    path("accounts/", include("shanhai.accounts.urls")),
    path("partnerships/", include("shanhai.partnerships.urls")),
    path("people/", include("shanhai.workforce.urls")),
    path("records/", include("shanhai.records.urls")),
    path("training/", include("shanhai.training.urls")),
    path("capacity/", include("shanhai.capacity.urls")),
    path("mch/", include("shanhai.maternal.urls")),
    path("imaging/", include("shanhai.imaging.urls")),
    path("telehealth/", include("shanhai.telehealth.urls")),
    path("reports/", include("shanhai.reports.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("shanhai.project.api_urls")),
    path("django-admin/", admin.site.urls),
]
# Uploaded files are never served from MEDIA_URL: each is served by a view that checks access first.
