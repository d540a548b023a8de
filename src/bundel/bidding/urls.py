from django.urls import path

from . import views

app_name = "bidding"

urlpatterns = [
    path("", views.tender_list, name="tenders"),
    path("<int:pk>/", views.tender_detail, name="tender"),
    path("<int:pk>/documenten/<int:document>/", views.document_download, name="document"),
    path("<int:pk>/nota/", views.nota, name="nota"),
    path("<int:pk>/nota.pdf", views.nota_pdf, name="nota-pdf"),
    path("<int:pk>/vragen/", views.questions, name="questions"),
    path("<int:pk>/percelen/<int:number>/inschrijven/", views.bid_new, name="bid-new"),
    path("<int:pk>/beoordeling/", views.evaluation, name="evaluation"),
    path("inschrijvingen/<int:pk>/", views.bid_detail, name="bid"),
    path(
        "inschrijvingen/<int:pk>/bijlagen/<int:attachment>/",
        views.attachment_download,
        name="attachment",
    ),
    path("inschrijvingen/<int:pk>/gunningsbeslissing.pdf", views.letter_pdf, name="letter"),
]
