from django.urls import path

from communityedu.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/register/", views.register, name="register"),
    path("reading/", views.reading, name="reading"),
    path("card/", views.learning_card, name="card"),
    path("card/code.svg", views.learning_card_code, name="card-code"),
]
