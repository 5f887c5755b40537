from django.urls import path

from communityedu.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.library, name="library"),
    path("search/", views.search, name="search"),
    path("categories/<int:pk>/", views.category, name="category"),
    path("resources/<int:pk>/", views.resource_detail, name="resource"),
    path("resources/<int:pk>/media", views.resource_media, name="media"),
    path("resources/<int:pk>/captions.vtt", views.resource_captions, name="captions"),
    path("resources/<int:pk>/progress/", views.progress, name="progress"),
    path("record/", views.learning_record, name="record"),
    path("shelf/", views.shelf, name="shelf"),
    path("shelf/new/", views.resource_create, name="create"),
    path("shelf/<int:pk>/edit/", views.resource_edit, name="edit"),
    path("shelf/<int:pk>/publish/", views.resource_publish, name="publish"),
]
