from django.urls import path

from communityedu.incentives.views import certificates, team

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
    path("teams/<int:unit_id>/members/", team.team_members, name="team-members"),
    # certificates (views/certificates.py)
    path("people/<int:person_id>/certificates/", certificates.certificate_issue, name="certificate-issue"),
    path("certificates/<int:pk>.pdf", certificates.certificate_pdf_view, name="certificate-pdf"),
    path("certificates/<int:pk>/revoke/", certificates.certificate_revoke, name="certificate-revoke"),
    path("certificates/batch/", certificates.certificate_batch, name="certificate-batch"),
]
