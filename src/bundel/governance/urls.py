from django.urls import path

from .views import bodies, elections, meetings, seats

app_name = "governance"

urlpatterns = [
    path("seats/", seats.seats, name="seats"),
    # --- elections ---
    path("elections/", elections.election_list, name="elections"),
    path("elections/new/", elections.election_new, name="election_new"),
    path("elections/<int:pk>/", elections.election_detail, name="election"),
    # --- council, bodies and meetings ---
    path("council/", bodies.council, name="council"),
    path("bodies/", bodies.bodies, name="bodies"),
    path("bodies/appoint/", bodies.appoint, name="appoint"),
    path("bodies/<int:pk>/", bodies.appointment, name="appointment"),
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path(
        "meetings/<int:pk>/documents/<int:document_pk>/",
        meetings.document,
        name="meeting_document",
    ),
    path("meetings/<int:pk>/minutes.pdf", meetings.minutes_pdf, name="minutes_pdf"),
]
