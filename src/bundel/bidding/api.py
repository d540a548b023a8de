"""The bidding API: a tender's documents, the nota van inlichtingen, questions, sealed
bids with their receipts, the contents of a bid (403 until the closing time for staff)
and the ranking. Same permissions as the pages: `selectors.py` decides."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from bundel.tenders.models import Lot, Tender

from . import selectors, services
from .models import Bid, BidAttachment, BidContent, Question, TenderDocument


class StaffOrSupplier(permissions.BasePermission):
    message = _("Tenders' documents, questions and bids are for suppliers and staff.")

    def has_permission(self, request, view):
        return selectors.is_staff(request.user) or selectors.is_supplier(request.user)


def visible_tender(user, pk) -> Tender:
    tender = selectors.bidding_tenders_visible_to(user).filter(pk=pk).first()
    if tender is None:
        raise Http404(_("No such tender."))
    return tender


# --- documents and the nota -----------------------------------------------------------


class TenderDocumentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="the PDF, as an attachment")

    class Meta:
        model = TenderDocument
        fields = [
            "id",
            "title",
            "version",
            "file_name",
            "size",
            "sha256",
            "uploaded_at",
            "download",
        ]

    def get_download(self, document) -> str:
        url = reverse("bidding:document", args=[document.tender_id, document.pk])
        return self.context["request"].build_absolute_uri(url)


class TenderDocumentList(generics.ListAPIView):
    """The documents of a tender, every version, newest version first per title."""

    serializer_class = TenderDocumentSerializer
    permission_classes = [StaffOrSupplier]

    def get_queryset(self):
        tender = visible_tender(self.request.user, self.kwargs["pk"])
        return (
            selectors.documents_visible_to(self.request.user)
            .filter(tender=tender)
            .order_by("title", "-version")
        )


class NotaEntrySerializer(serializers.ModelSerializer):
    lot = serializers.IntegerField(source="lot.number", allow_null=True, read_only=True)
    question = serializers.CharField(source="published_text", read_only=True)

    class Meta:
        model = Question
        fields = ["number", "lot", "question", "answer", "answered_at"]


class NotaList(generics.ListAPIView):
    """The nota van inlichtingen: the answered questions by number, without who asked."""

    serializer_class = NotaEntrySerializer
    permission_classes = [StaffOrSupplier]

    def get_queryset(self):
        tender = visible_tender(self.request.user, self.kwargs["pk"])
        return selectors.nota(tender, self.request.user)


# --- questions ------------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer):
    lot = serializers.IntegerField(source="lot.number", allow_null=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "lot", "text", "asked_at", "state", "number", "answer"]


class StaffQuestionSerializer(QuestionSerializer):
    asked_by = serializers.CharField(source="asked_by.username", read_only=True)
    organisation = serializers.CharField(source="asked_by.organisation", read_only=True)

    class Meta(QuestionSerializer.Meta):
        fields = [*QuestionSerializer.Meta.fields, "published_text", "asked_by", "organisation"]


class AskSerializer(serializers.Serializer):
    lot = serializers.IntegerField(
        required=False, allow_null=True, help_text="the lot's number; empty: the whole tender"
    )
    text = serializers.CharField(max_length=5000)


def _lot(tender: Tender, number) -> Lot | None:
    if number is None:
        return None
    lot = Lot.objects.filter(tender=tender, number=number).first()
    if lot is None:
        raise serializers.ValidationError(
            {"lot": [_("The tender has no lot %(n)s.") % {"n": number}]}
        )
    return lot


class TenderQuestions(generics.ListAPIView):
    """GET: staff every question with who asked; a supplier its own. POST (supplier):
    ask a question before the question deadline."""

    permission_classes = [StaffOrSupplier]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_serializer_class(self):
        if selectors.is_staff(self.request.user):
            return StaffQuestionSerializer
        return QuestionSerializer

    def get_queryset(self):
        user = self.request.user
        tender = visible_tender(user, self.kwargs["pk"])
        questions = selectors.questions_visible_to(user).filter(tender=tender)
        if not selectors.is_staff(user):
            questions = questions.filter(asked_by=user)
        return questions.order_by("asked_at", "pk")

    @extend_schema(request=AskSerializer, responses={201: QuestionSerializer})
    def post(self, request, pk: int):
        tender = visible_tender(request.user, pk)
        given = AskSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        question = services.question_ask(
            tender=tender,
            lot=_lot(tender, given.validated_data.get("lot")),
            text=given.validated_data["text"],
            by=request.user,
        )
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


# --- bids -----------------------------------------------------------------------------


class ReceiptSerializer(serializers.ModelSerializer):
    """A bid's envelope: what a receipt shows. Never its contents."""

    tender = serializers.IntegerField(source="tender_id", read_only=True)
    lot = serializers.IntegerField(source="lot.number", read_only=True)
    is_latest = serializers.BooleanField(read_only=True, help_text="only the latest counts")
    supersedes = serializers.SerializerMethodField()
    receipt = serializers.SerializerMethodField(help_text="the receipt page")

    class Meta:
        model = Bid
        fields = [
            "id",
            "tender",
            "lot",
            "organisation",
            "sequence",
            "submitted_at",
            "sha256",
            "is_latest",
            "superseded_at",
            "superseded_by",
            "supersedes",
            "receipt",
        ]

    def get_supersedes(self, bid) -> int | None:
        return bid.supersedes_pk

    def get_receipt(self, bid) -> str:
        url = reverse("bidding:bid", args=[bid.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class BidSubmitSerializer(serializers.Serializer):
    lot = serializers.IntegerField(help_text="the lot's number")
    price = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="EUR, excl. VAT")
    answers = serializers.JSONField(
        help_text='{"criterion name": "answer"} for every award criterion (in a multipart '
        "form: the same object as a JSON string)"
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="PDF files (multipart only)"
    )

    def validate_answers(self, value):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise serializers.ValidationError(
                _("Give an object with the answer (text) to each criterion, by its name.")
            )
        return value


BID_EXAMPLE = {
    "lot": 1,
    "price": "184500.00",
    "answers": {"Plan van aanpak": "Migratie in drie golven per regio, ..."},
}


class TenderBids(generics.ListAPIView):
    """GET: the envelopes (staff every bid; a supplier its own), never the contents.
    POST (supplier): submit a sealed bid for a lot, JSON or multipart with PDF
    attachments -> 201 with the receipt. After the closing time: 400 naming it."""

    serializer_class = ReceiptSerializer
    permission_classes = [StaffOrSupplier]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        tender = visible_tender(self.request.user, self.kwargs["pk"])
        return selectors.with_supersedes(selectors.tender_bids(tender, self.request.user))

    @extend_schema(
        request={
            "application/json": BidSubmitSerializer,
            "multipart/form-data": BidSubmitSerializer,
        },
        responses={201: ReceiptSerializer},
        examples=[
            OpenApiExample("A bid without attachments", value=BID_EXAMPLE, request_only=True)
        ],
    )
    def post(self, request, pk: int):
        tender = visible_tender(request.user, pk)
        given = BidSubmitSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        lot = _lot(tender, data["lot"])
        bid = services.bid_submit(
            tender=tender,
            lot=lot,
            by=request.user,
            price=data["price"],
            answers=data["answers"],
            attachments=data.get("attachments", []),
        )
        receipt = selectors.with_supersedes(selectors.bids_visible_to(request.user)).get(pk=bid.pk)
        body = ReceiptSerializer(receipt, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


def _visible_bid(user, pk) -> Bid:
    bid = selectors.with_supersedes(selectors.bids_visible_to(user)).filter(pk=pk).first()
    if bid is None:
        raise Http404(_("No such bid."))
    return bid


class BidReceipt(APIView):
    """A bid's receipt (its envelope): the supplier its own, staff any."""

    permission_classes = [StaffOrSupplier]

    @extend_schema(responses=ReceiptSerializer)
    def get(self, request, pk: int):
        bid = _visible_bid(request.user, pk)
        return Response(ReceiptSerializer(bid, context={"request": request}).data)


class AttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = BidAttachment
        fields = ["file_name", "size", "sha256", "download"]

    def get_download(self, attachment) -> str:
        url = reverse("bidding:attachment", args=[attachment.content.bid_id, attachment.pk])
        return self.context["request"].build_absolute_uri(url)


class ContentsSerializer(serializers.ModelSerializer):
    bid = serializers.IntegerField(source="bid_id", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = BidContent
        fields = ["bid", "price", "answers", "attachments"]


class BidContents(APIView):
    """A bid's price, answers and attachments: the supplier its own; staff from the
    closing time on (before: 403 naming the closing time); nobody else."""

    permission_classes = [StaffOrSupplier]

    @extend_schema(responses=ContentsSerializer)
    def get(self, request, pk: int):
        bid = _visible_bid(request.user, pk)
        contents = selectors.bid_contents(bid=bid, user=request.user)  # SealedBid: 403
        return Response(ContentsSerializer(contents, context={"request": request}).data)


# --- the ranking --------------------------------------------------------------------


class RankingRowSerializer(serializers.Serializer):
    bid = serializers.IntegerField(source="bid.pk")
    bidder = serializers.CharField(source="bid.organisation")
    rank = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=14, decimal_places=2)
    figures = serializers.SerializerMethodField(
        help_text="the award method's figures (points: price_points, quality_points, "
        "quality_total, total; value: earned_values, total_value, fictitious_price)"
    )

    def get_figures(self, row) -> dict:
        result = row.result
        names = [name for name in vars(result) if name not in ("bidder", "rank", "price")]
        return {name: _plain(getattr(result, name)) for name in names}


def _plain(value):
    if isinstance(value, dict):
        return {key: str(item) for key, item in value.items()}
    return str(value)


class LotRankingSerializer(serializers.Serializer):
    lot = serializers.IntegerField(source="lot.number")
    method = serializers.CharField()
    complete = serializers.BooleanField()
    missing = serializers.IntegerField(help_text="consolidated scores still to be set")
    ranking = RankingRowSerializer(source="rows", many=True)


class RankingsSerializer(serializers.Serializer):
    lots = LotRankingSerializer(many=True)


class TenderRanking(APIView):
    """Staff: the ranking per lot from the consolidated scores and the prices, with the
    tender's award method. Before the closing time: 403."""

    permission_classes = [StaffOrSupplier]

    @extend_schema(responses=RankingsSerializer)
    def get(self, request, pk: int):
        tender = visible_tender(request.user, pk)
        rankings = selectors.rankings_visible_to(request.user, tender)  # SealedBid: 403
        return Response({"lots": LotRankingSerializer(rankings, many=True).data})
