from django.urls import path

from communityedu.portal import record_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/register/", views.register, name="register"),
    path("reading/", views.reading, name="reading"),
    path("card/", views.learning_card, name="card"),
    path("card/code.svg", views.learning_card_code, name="card-code"),
    path("record/", record_views.my_record, name="record"),
    path("record/my-record.xlsx", record_views.my_record_download, name="record-download"),
    path("record/close/", record_views.close_my_account, name="close-account"),
]
