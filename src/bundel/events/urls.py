from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.event_new, name="new"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/attendees.<str:fmt>", views.attendees_export, name="attendees"),
    path("<int:pk>/badges.pdf", views.badges, name="badges"),
]
