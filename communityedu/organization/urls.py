from django.urls import path

from communityedu.organization import views

app_name = "organization"
urlpatterns = [
    path("", views.structure, name="structure"),
    path("units/new/", views.unit_create, name="unit-create"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/holders/", views.position_holder_create, name="position-holder-create"),
    path("villages/", views.village_list, name="village-list"),
    path("villages/<int:pk>/", views.village_detail, name="village-detail"),
    path("villages/population/", views.population_year, name="population"),
    path("villages/population/import/", views.population_import, name="population-import"),
    path("targets/", views.targets, name="targets"),
    path("towns/", views.town_list, name="town-list"),
    path("towns/switch/", views.switch_town, name="town-switch"),
    path("towns/new/", views.town_create, name="town-create"),
    path("towns/<slug:slug>/villages/new/", views.village_create, name="village-create"),
]
