"""The knowledge base API: search and read the documents a user may see (read-only).

The same selectors as the pages: a document the user may not see is not listed and its
detail answers 404, whether or not it exists. Staff keep documents on the pages and in
the admin.
"""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from bundel.core import versions

from . import selectors
from .models import Category, Document, DocumentVersion, Tag


class FiltersSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), required=False
    )
    tag = serializers.SlugRelatedField(
        slug_field="slug", queryset=Tag.objects.all(), required=False
    )
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, data):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": _("The end date is before the start date.")}
            )
        return data


class FileSerializer(serializers.Serializer):
    name = serializers.CharField(source="file_name")
    kind = serializers.CharField(source="file_kind", help_text="told by the file's content")
    size = serializers.IntegerField(source="file_size", help_text="bytes")
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, version) -> str:
        return self.context["request"].build_absolute_uri(version.download_url)


def _file(version: DocumentVersion | None, context) -> dict | None:
    if version is None or not version.file:
        return None
    return FileSerializer(version, context=context).data


class DocumentListSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    tags = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="current_version.number")
    rank = serializers.FloatField(
        allow_null=True, help_text="how well it matches `q` (higher is better); null without q"
    )
    snippet = serializers.CharField(
        help_text=(
            "HTML: the text around the matches of `q`, escaped, with the matches in "
            "<mark>…</mark> (no other tags); without q the summary or the start of the text"
        )
    )
    file = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="this document in the API")
    web_url = serializers.SerializerMethodField(help_text="this document's page")

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "category",
            "category_name",
            "visibility",
            "state",
            "tags",
            "version",
            "updated_at",
            "rank",
            "snippet",
            "file",
            "url",
            "web_url",
        ]

    def to_representation(self, document):
        document.rank = getattr(document, "rank", None)
        document.snippet = getattr(document, "snippet", "")
        return super().to_representation(document)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, document) -> list[str]:
        return [tag.name for tag in document.tags.all()]

    @extend_schema_field(FileSerializer(allow_null=True))
    def get_file(self, document) -> dict | None:
        return _file(document.current_version, self.context)

    def get_url(self, document) -> str:
        path = reverse("api:document-detail", args=[document.pk])
        return self.context["request"].build_absolute_uri(path)

    def get_web_url(self, document) -> str:
        return self.context["request"].build_absolute_uri(document.get_absolute_url())


class VersionSerializer(serializers.ModelSerializer):
    file = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = ["number", "created_at", "note", "file", "web_url"]

    @extend_schema_field(FileSerializer(allow_null=True))
    def get_file(self, version) -> dict | None:
        return _file(version, self.context)

    def get_web_url(self, version) -> str:
        return self.context["request"].build_absolute_uri(version.get_absolute_url())


class DocumentDetailSerializer(DocumentListSerializer):
    owner = serializers.SerializerMethodField()
    body = serializers.CharField(source="current_version.body", help_text="plain text")
    versions = serializers.SerializerMethodField()

    class Meta(DocumentListSerializer.Meta):
        fields = [
            *[f for f in DocumentListSerializer.Meta.fields if f not in ("rank", "snippet")],
            "summary",
            "owner",
            "created_at",
            "withdrawn_at",
            "body",
            "versions",
        ]

    def get_owner(self, document) -> str:
        return document.owner.get_full_name() or document.owner.get_username()

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, document) -> list[dict]:
        versions = selectors.document_versions(document)
        return VersionSerializer(versions, many=True, context=self.context).data


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q", OpenApiTypes.STR, description="Dutch full-text search (stemmed, ranked)"
        ),
        OpenApiParameter("category", OpenApiTypes.STR, description="category code"),
        OpenApiParameter("tag", OpenApiTypes.STR, description="tag slug"),
        OpenApiParameter(
            "date_from", OpenApiTypes.DATE, description="current version added on or after"
        ),
        OpenApiParameter(
            "date_to", OpenApiTypes.DATE, description="current version added on or before"
        ),
    ]
)
class DocumentList(generics.ListAPIView):
    """The documents the user may see: searched (`q`, best match first) or the latest
    changed first, filtered by category, tag and date, in pages."""

    serializer_class = DocumentListSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        params = FiltersSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        self.filters = selectors.Filters(**params.validated_data)
        return selectors.document_search(user=self.request.user, filters=self.filters)

    def list(self, request, *args, **kwargs):
        # The same for everyone of one audience (`selectors.audience`): cached per URL
        # (filters, page, and the host the links name) and language, under the knowledge
        # base's version (see apps.py).

        def page() -> dict:
            page = self.paginate_queryset(self.get_queryset())
            documents = selectors.with_snippets(page, self.filters.q)
            serialized = self.get_serializer(documents, many=True).data
            return dict(self.get_paginated_response(serialized).data)

        parts = (
            selectors.audience(request.user),
            request.build_absolute_uri(),
            get_language(),
        )
        return Response(versions.cached("api-document-list", parts, page, under=["knowledge"]))


class DocumentDetail(generics.RetrieveAPIView):
    """A document with its current text, file and every version."""

    serializer_class = DocumentDetailSerializer
    permission_classes = [AllowAny]

    def get_object(self):
        try:
            return selectors.document_detail(user=self.request.user, pk=self.kwargs["pk"])
        except Document.DoesNotExist:
            raise NotFound(_("No such document.")) from None
