from django.urls import path

from communityedu.incentives.views import team

app_name = "incentives"
urlpatterns = [
    path("", team.register, name="register"),
    path("members/new/", team.member_create, name="member-create"),
    path("assessment-totals/", team.assessment_totals, name="assessment-totals"),
    path("ranking/", team.ranking, name="ranking"),
    path("ranking/export.xlsx", team.ranking_export, name="ranking-export"),
    path("people/<int:person_id>/", team.statement, name="statement"),
    path("people/<int:person_id>/trainings/", team.training_create, name="training-create"),
    path("me/", team.my_points, name="me"),
    # certificates (views/certificates.py)
]
