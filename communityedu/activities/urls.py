from django.urls import path

from communityedu.activities.views import attendance, schedule

app_name = "activities"
urlpatterns = [
    path("", schedule.month_list, name="list"),
    path("calendar/", schedule.calendar, name="calendar"),
    path("lecture-hall/", schedule.lecture_hall, name="lecture-hall"),
    path("new/", schedule.create, name="create"),
    path("<int:pk>/", schedule.detail, name="detail"),
    path("<int:pk>/edit/", schedule.edit, name="edit"),
    path("<int:pk>/cancel/", schedule.cancel, name="cancel"),
    path("<int:pk>/venue-code.svg", attendance.venue_code, name="venue-code"),
    path("<int:pk>/roster/", attendance.roster, name="roster"),
    path("<int:pk>/scan/", attendance.scan_card, name="scan"),
    path("<int:pk>/headcount/", attendance.headcount, name="headcount"),
    path("<int:pk>/reverse/", attendance.reverse, name="reverse"),
    # evidence (views/evidence.py)
    # lecture fees (views/fees.py)
]
