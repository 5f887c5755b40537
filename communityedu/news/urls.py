from django.urls import path

from communityedu.news import views

app_name = "news"
urlpatterns = [
    path("", views.public_list, name="list"),
    path("<int:pk>/", views.public_detail, name="detail"),
    path("<int:pk>/cover/", views.cover, name="cover"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="manage-create"),
    path("manage/<int:pk>/edit/", views.edit, name="manage-edit"),
    path("manage/<int:pk>/publish/", views.publish, name="manage-publish"),
]
