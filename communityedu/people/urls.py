from django.urls import path

from communityedu.people import views, views_cards, views_join

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/unmask/", views.person_unmask, name="person-unmask"),
    path("<int:pk>/account/open/", views.person_account_open, name="person-account-open"),
    path("<int:pk>/account/reset/", views.person_account_reset, name="person-account-reset"),
    path("<int:pk>/phone/", views.person_phone_change, name="person-phone"),
    path("<int:pk>/learning-card/reissue/", views.person_card_reissue, name="person-card-reissue"),
    path("<int:pk>/leave/", views.person_leave, name="person-leave"),
    path("join-requests/", views_join.join_queue, name="join-queue"),
    path("join-requests/<int:pk>/", views_join.join_request_detail, name="join-request"),
    path("join-requests/<int:pk>/confirm/", views_join.join_request_confirm, name="join-request-confirm"),
    path("join-requests/<int:pk>/decline/", views_join.join_request_decline, name="join-request-decline"),
    path("cards/", views_cards.print_cards, name="cards"),
    path("cards/<int:pk>/", views_cards.card_print, name="card-print"),
    path("cards/<int:pk>/cards.pdf", views_cards.card_print_pdf, name="card-print-pdf"),
    path("export.xlsx", views.register_export, name="register-export"),
    path("import/", views.import_upload, name="import-upload"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("import/<int:pk>/report.xlsx", views.import_report, name="import-report"),
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/new/", views.account_create, name="account-create"),
    path("accounts/<int:pk>/unlock/", views.account_unlock, name="account-unlock"),
    path("accounts/<int:pk>/", views.account_detail, name="account-detail"),
    path("accounts/<int:pk>/roles/", views.account_role_add, name="account-role-add"),
    path("accounts/<int:pk>/roles/<int:role_pk>/withdraw/", views.account_role_withdraw, name="account-role-withdraw"),
    path("accounts/<int:pk>/disable/", views.account_disable, name="account-disable"),
    path("accounts/<int:pk>/enable/", views.account_enable, name="account-enable"),
    path("accounts/<int:pk>/password-reset/", views.account_password_reset, name="account-password-reset"),
    path("accounts/<int:pk>/revoke-tokens/", views.account_revoke_tokens, name="account-revoke-tokens"),
]
