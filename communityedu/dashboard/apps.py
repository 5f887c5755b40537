from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "communityedu.dashboard"
    label = "dashboard"
