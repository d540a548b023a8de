from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("boards/", views.board_list, name="boards"),
    path("boards/<str:duo_number>/", views.board_detail, name="board"),
    path("locations/<str:code>/", views.location_detail, name="location"),
]
