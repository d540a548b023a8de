from django.urls import path, re_path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.bulk, name="bulk"),
    path("generate/", views.bulk_start, name="bulk_start"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/download/", views.batch_download, name="batch_download"),
    re_path(r"^(?P<duo_number>\d{5})/$", views.board, name="board"),
    re_path(r"^(?P<duo_number>\d{5})\.pdf$", views.pdf, name="pdf"),
]
