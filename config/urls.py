from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("coproduce.core.urls")),
    path("accounts/", include("coproduce.accounts.urls")),
    path("places/", include("coproduce.places.urls")),
    path("organisations/", include("coproduce.organisations.urls")),
    path("trusts/", include("coproduce.trusts.urls")),
    path("needs/", include("coproduce.needs.urls")),
    path("time-credits/", include("coproduce.timebank.urls")),
    path("co-production/", include("coproduce.coproduction.urls")),
    path("budgets/", include("coproduce.budgeting.urls")),
    path("commissioning/", include("coproduce.commissioning.urls")),
    path("support/", include("coproduce.support.urls")),
    path("panels/", include("coproduce.panels.urls")),
    path("audit/", include("coproduce.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

handler403 = "coproduce.core.views.permission_denied"
handler404 = "coproduce.core.views.page_not_found"
handler500 = "coproduce.core.views.server_error"
