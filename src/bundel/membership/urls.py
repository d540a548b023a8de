from django.urls import path

from . import views

app_name = "membership"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("all/", views.membership_list, name="list"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/agreement/<str:kind>.pdf", views.agreement_pdf, name="agreement_pdf"),
]
