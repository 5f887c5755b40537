from django.urls import path

from communityedu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.staff_sign_in, name="sign-in"),
    path("sign-in/code/", views.two_factor_code, name="two-factor-code"),
    path("resident-sign-in/", views.resident_sign_in, name="resident-sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("security/", views.security, name="security"),
    path("password/", views.change_password, name="password"),
    path("two-factor/", views.two_factor_setup, name="two-factor"),
]
