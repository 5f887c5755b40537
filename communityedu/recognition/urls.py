from django.urls import path

from communityedu.recognition import views

app_name = "recognition"
urlpatterns = [
    path("", views.board, name="board"),
    path("record/", views.record, name="record"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
