from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "communityedu.demo"
    label = "demo"
