from django.urls import path

from . import views

app_name = "tenders"

urlpatterns = [
    path("", views.tender_list, name="list"),
    path("nieuw/", views.tender_new, name="new"),
    path("simulation/", views.simulation, name="simulation"),
    path("<int:pk>/", views.tender_detail, name="detail"),
    path("<int:pk>/wijzigen/", views.tender_edit, name="edit"),
]
