from django.urls import path

from communityedu.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.funding_year, name="year"),
    path("export.xlsx", views.funding_export, name="export"),
    path("units/", views.unit_funds, name="units"),
    path("entries/<slug:kind>/<int:pk>/", views.ledger_line, name="entry"),
    path("government-share/", views.government_share_threshold, name="government-share-threshold"),
    path("allocations/new/", views.allocation_create, name="allocation-create"),
    path("allocations/<int:pk>/reverse/", views.allocation_reverse, name="allocation-reverse"),
    path("expenses/new/", views.expense_create, name="expense-create"),
    path("expenses/<int:pk>/reverse/", views.expense_reverse, name="expense-reverse"),
]
