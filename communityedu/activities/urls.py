from django.urls import path

from communityedu.activities.views import attendance, evidence, fees, offline, reminders, schedule

app_name = "activities"
urlpatterns = [
    path("", schedule.month_list, name="list"),
    path("calendar/", schedule.calendar, name="calendar"),
    path("lecture-hall/", schedule.lecture_hall, name="lecture-hall"),
    path("new/", schedule.create, name="create"),
    path("<int:pk>/", schedule.detail, name="detail"),
    path("<int:pk>/duty/", schedule.duty_add, name="duty-add"),
    path("<int:pk>/duty/<int:person_pk>/remove/", schedule.duty_remove, name="duty-remove"),
    path("<int:pk>/edit/", schedule.edit, name="edit"),
    path("<int:pk>/cancel/", schedule.cancel, name="cancel"),
    path("<int:pk>/venue-code.svg", attendance.venue_code, name="venue-code"),
    path("<int:pk>/roster/", attendance.roster, name="roster"),
    path("<int:pk>/scan/", attendance.scan_card, name="scan"),
    path("<int:pk>/offline/", offline.page, name="offline"),
    path("<int:pk>/offline/roll.json", offline.roll_data, name="offline-roll"),
    path("offline/service-worker.js", offline.service_worker, name="offline-service-worker"),
    path("offline/manifest.webmanifest", offline.manifest, name="offline-manifest"),
    path("<int:pk>/headcount/", attendance.headcount, name="headcount"),
    path("<int:pk>/reverse/", attendance.reverse, name="reverse"),
    # evidence (views/evidence.py)
    path("<int:pk>/evidence/", evidence.upload, name="evidence-upload"),
    path("evidence/<int:pk>/file/", evidence.download, name="evidence-file"),
    path("evidence/<int:pk>/thumbnail/", evidence.thumbnail, name="evidence-thumbnail"),
    path("evidence/<int:pk>/remove/", evidence.remove, name="evidence-remove"),
    # lecture fees (views/fees.py)
    path("fees/", fees.fee_year, name="fees"),
    path("fees/export.xlsx", fees.fee_export, name="fees-export"),
    path("fees/standard/", fees.set_standard, name="fees-standard"),
    path("fees/lectures/<int:pk>/due/", fees.record_due, name="fees-due"),
    path("fees/payments/<int:pk>/pay/", fees.mark_paid, name="fees-pay"),
    path("fees/payments/<int:pk>/reverse/", fees.reverse_payment, name="fees-reverse"),
    # SMS reminders sent (views/reminders.py)
    path("reminders/", reminders.sent, name="reminders"),
]
