from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "communityedu.accounts"
    label = "accounts"
