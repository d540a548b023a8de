from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("nieuw/", views.contract_new, name="new"),
    path("<int:pk>/", views.contract_detail, name="detail"),
]
