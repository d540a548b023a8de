from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("nav/", views.nav, name="nav"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", views.open_notification, name="open-notification"),
    path("preferences/", views.preferences, name="preferences"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/participants/", views.participants, name="participants"),
    path("<slug:slug>/files/", views.files, name="files"),
    path("<slug:slug>/files/<int:pk>/", views.download, name="file"),
    path("<slug:slug>/threads/<int:pk>/", views.thread, name="thread"),
    path("<slug:slug>/sessions/new/", views.session_new, name="session-new"),
]
