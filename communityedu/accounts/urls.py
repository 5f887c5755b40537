from django.urls import path

from communityedu.accounts import pin_reset_pages, views
from communityedu.people import views_join

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.staff_sign_in, name="sign-in"),
    path("sign-in/code/", views.two_factor_code, name="two-factor-code"),
    path("resident-sign-in/", views.resident_sign_in, name="resident-sign-in"),
    path("forgot-pin/", pin_reset_pages.forgot_pin, name="forgot-pin"),
    path("forgot-pin/code/", pin_reset_pages.forgot_pin_code, name="forgot-pin-code"),
    path("activate/", views.activate, name="activate"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("security/", views.security, name="security"),
    path("security/sms-reminders/", views.sms_reminders, name="sms-reminders"),
    path("password/", views.change_password, name="password"),
    path("two-factor/", views.two_factor_setup, name="two-factor"),
    path("join/", views_join.join, name="join"),
]
