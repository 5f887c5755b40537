from django.urls import path

from communityedu.exchange import views

app_name = "exchange"
urlpatterns = [
    path("posts/", views.create_post, name="post"),
    path("posts/<int:pk>/answer/", views.answer, name="answer"),
    path("posts/<int:pk>/report/", views.report, name="report"),
    path("posts/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("queue/", views.queue, name="queue"),
    path("policy/", views.policy, name="policy"),
]
