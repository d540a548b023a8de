from django.urls import path, re_path

from . import views

app_name = "subscriptions"

BOARD = r"^(?P<duo_number>\d{5})/"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    re_path(BOARD + r"$", views.board, name="board"),
    re_path(BOARD + r"order/$", views.order, name="order"),
    re_path(BOARD + r"costs/$", views.costs, name="costs"),
    re_path(BOARD + r"waves/new/$", views.wave_new, name="wave_new"),
    re_path(BOARD + r"subscriptions/(?P<pk>\d+)/$", views.detail, name="detail"),
]
