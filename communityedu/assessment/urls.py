from django.urls import path

from communityedu.assessment import evidence_views, views

app_name = "assessment"
urlpatterns = [
    path("conditions/", views.conditions, name="conditions"),
    path("conditions/<int:pk>/", views.conditions_unit, name="conditions-unit"),
    path("conditions/<int:pk>/evidence/", views.conditions_evidence, name="conditions-evidence"),
    path("files/<int:pk>/", views.evidence_file, name="file"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/load/", views.indicators_load, name="indicators-load"),
    path("indicators/default.csv", views.indicators_default, name="indicators-default"),
    path("self-assessment/", views.self_assessment, name="self-assessment"),
    path("self-assessment/indicators/<int:pk>/score/", views.score, name="score"),
    path("units/", views.units, name="units"),
    path("units/export.xlsx", views.units_export, name="units-export"),
    path("units/weights/", views.weights, name="weights"),
    path("evidence/", evidence_views.evidence_page, name="evidence"),
    path("dossier/", views.dossier_list, name="dossier"),
    path("dossier/start/", views.dossier_start, name="dossier-start"),
    path("dossier/<int:pk>/", views.dossier_export, name="dossier-export"),
    path("dossier/<int:pk>/<str:kind>/", views.dossier_file, name="dossier-file"),
]
