from django.urls import path

from communityedu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.staff_sign_in, name="sign-in"),
    path("resident-sign-in/", views.resident_sign_in, name="resident-sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
]
