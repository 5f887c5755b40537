from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "communityedu.exchange"
    label = "exchange"
