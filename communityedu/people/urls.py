from django.urls import path

from communityedu.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/unmask/", views.person_unmask, name="person-unmask"),
    path("<int:pk>/learning-card/reissue/", views.person_card_reissue, name="person-card-reissue"),
    path("export.xlsx", views.register_export, name="register-export"),
    path("import/", views.import_upload, name="import-upload"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("import/<int:pk>/report.xlsx", views.import_report, name="import-report"),
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/new/", views.account_create, name="account-create"),
    path("accounts/<int:pk>/unlock/", views.account_unlock, name="account-unlock"),
]
