"""API paths of this app; included in the "api" namespace by bundel/api/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("tenders/<int:pk>/documents/", api.TenderDocumentList.as_view(), name="tender-documents"),
    path("tenders/<int:pk>/nota/", api.NotaList.as_view(), name="tender-nota"),
    path("tenders/<int:pk>/questions/", api.TenderQuestions.as_view(), name="tender-questions"),
    path("tenders/<int:pk>/bids/", api.TenderBids.as_view(), name="tender-bids"),
    path("tenders/<int:pk>/ranking/", api.TenderRanking.as_view(), name="tender-ranking"),
    path("bids/<int:pk>/", api.BidReceipt.as_view(), name="bid-detail"),
    path("bids/<int:pk>/contents/", api.BidContents.as_view(), name="bid-contents"),
]
