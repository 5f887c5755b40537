from django.urls import include, path
from django.views.i18n import set_language

from communityedu.api.api import api
from communityedu.core.views import healthz
from communityedu.dashboard.views import home
from communityedu.incentives.views.certificates import verify as verify_certificate
from communityedu.portal import views as portal_views

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("language/", set_language, name="set-language"),
    path("accounts/", include("communityedu.accounts.urls")),
    path("org/", include("communityedu.organization.urls")),
    path("people/", include("communityedu.people.urls")),
    path("activities/", include("communityedu.activities.urls")),
    path("incentives/", include("communityedu.incentives.urls")),
    path("exchange/", include("communityedu.exchange.urls")),
    path("news/", include("communityedu.news.urls")),
    path("funding/", include("communityedu.funding.urls")),
    path("assessment/", include("communityedu.assessment.urls")),
    path("recognition/", include("communityedu.recognition.urls")),
    path("surveys/", include("communityedu.surveys.urls")),
    path("planning/", include("communityedu.planning.urls")),
    path("portal/", include("communityedu.portal.urls")),
    path("learning/", include("communityedu.learning.urls")),
    path("checkin/<str:token>/", portal_views.check_in, name="check-in"),
    path("verify/<str:code>", verify_certificate, name="verify"),
    path("staff/", include("communityedu.dashboard.urls")),
    path("api/v1/", api.urls),
]

# The product's own pages when something goes wrong (JSON in the API's shape under /api/).
handler400 = "communityedu.portal.errors.bad_request"
handler403 = "communityedu.portal.errors.permission_denied"
handler404 = "communityedu.portal.errors.page_not_found"
handler500 = "communityedu.portal.errors.server_error"
