from django.urls import path

from . import views

app_name = "tenders"

urlpatterns = [
    path("", views.tender_list, name="list"),
    path("nieuw/", views.tender_new, name="new"),
    path("simulation/", views.simulation, name="simulation"),
    path("deelname/", views.board_tenders, name="mine"),
    path("<int:pk>/", views.tender_detail, name="detail"),
    path("<int:pk>/wijzigen/", views.tender_edit, name="edit"),
    path("<int:pk>/vraag/", views.demand, name="demand"),
    path("<int:pk>/vraag/pdf/", views.demand_pdf, name="demand-pdf"),
    path("<int:pk>/deelname/<str:duo_number>/", views.participation, name="participation"),
]
