from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("rates/", views.rates, name="rates"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("<int:pk>/versions/<int:number>/file/", views.download, name="download"),
]
