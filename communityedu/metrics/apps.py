from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "communityedu.metrics"
    label = "metrics"
