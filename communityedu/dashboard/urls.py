from django.urls import path

from communityedu.dashboard import views

app_name = "dashboard"
urlpatterns = [path("audit/", views.audit_log, name="audit-log")]
