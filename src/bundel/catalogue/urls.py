from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("basispakket/", views.basic_package, name="basic_package"),
    path("beheer/", views.manage, name="manage"),
    # Two segments: no product code can shadow it.
    path("beheer/nieuw/product/", views.product_new, name="product_new"),
    path("beheer/<str:code>/", views.product_edit, name="product_edit"),
]
