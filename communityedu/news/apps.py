from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "communityedu.news"
    label = "news"
