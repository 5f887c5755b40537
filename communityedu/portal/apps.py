from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "communityedu.portal"
    label = "portal"
