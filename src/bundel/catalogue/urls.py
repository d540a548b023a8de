from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("basispakket/", views.basic_package, name="basic_package"),
]
