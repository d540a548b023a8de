"""The groups API: my groups, a group, its threads and their posts; posting a reply.

The same selectors and services as the pages: staff and the people of member boards
read; anyone else gets an empty list of groups and a 404 on a group's paths (guessing
tells nothing). Texts are plain text, as stored: a client escapes them when it shows
them as HTML. A hidden post keeps its place with `hidden: true` and the reason; only
staff get its text.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from . import selectors, services
from .models import Group, Post, Thread


def _name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


class GroupSerializer(serializers.ModelSerializer):
    participant_count = serializers.IntegerField(read_only=True)
    thread_count = serializers.IntegerField(read_only=True)
    last_post_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_participant = serializers.BooleanField(read_only=True)

    class Meta:
        model = Group
        fields = [
            "slug",
            "name",
            "kind",
            "description",
            "state",
            "participant_count",
            "thread_count",
            "last_post_at",
            "is_participant",
        ]


class ThreadSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.slug")
    started_by = serializers.SerializerMethodField()
    post_count = serializers.IntegerField(read_only=True)
    last_post_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Thread
        fields = ["id", "group", "title", "started_by", "created_at", "post_count", "last_post_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_started_by(self, thread) -> str | None:
        return _name(thread.started_by)


class PostSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    author_board = serializers.SerializerMethodField(help_text="DUO number of the author's board")
    body = serializers.SerializerMethodField(help_text="plain text; null when hidden")
    hidden = serializers.BooleanField(source="is_hidden")

    class Meta:
        model = Post
        fields = [
            "id",
            "thread",
            "author",
            "author_board",
            "created_at",
            "body",
            "hidden",
            "hidden_reason",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, post) -> str | None:
        return _name(post.author)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_board(self, post) -> str | None:
        board = post.author.board if post.author else None
        return board.duo_number if board else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, post) -> str | None:
        user = self.context["request"].user
        if post.is_hidden and not user.is_cooperative_staff:
            return None
        return post.body


class PostInSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="plain text; web addresses become links"
    )


def _group(request, slug: str) -> Group:
    group = selectors.groups_visible_to(request.user).filter(slug=slug).first()
    if group is None:
        raise NotFound(_("No such group."))
    return group


class MyGroups(generics.ListAPIView):
    """The groups I take part in, with their figures."""

    serializer_class = GroupSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.my_groups(self.request.user)


class GroupDetail(generics.RetrieveAPIView):
    """A group (members-only)."""

    serializer_class = GroupSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "slug"

    def get_queryset(self):
        user = self.request.user
        return selectors.with_figures(selectors.groups_visible_to(user), user)


class GroupThreads(generics.ListAPIView):
    """A group's threads, the latest activity first."""

    serializer_class = ThreadSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        group = _group(self.request, self.kwargs["slug"])
        return selectors.thread_list(group, self.request.user)


class ThreadPosts(generics.ListAPIView):
    """A thread's posts, oldest first; POST adds a reply (participants of the group)."""

    serializer_class = PostSerializer
    permission_classes = [IsAuthenticated]

    def _thread(self) -> Thread:
        thread = selectors.threads_visible_to(self.request.user).filter(pk=self.kwargs["pk"])
        thread = thread.first()
        if thread is None:
            raise NotFound(_("No such thread."))
        return thread

    def get_queryset(self):
        return selectors.thread_posts(self._thread(), self.request.user)

    @extend_schema(request=PostInSerializer, responses={201: PostSerializer})
    def post(self, request, pk):
        thread = self._thread()
        serializer = PostInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = services.post_add(
            thread=thread, body=serializer.validated_data["body"], by=request.user
        )
        fresh = selectors.posts_visible_to(request.user).get(pk=post.pk)
        data = PostSerializer(fresh, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)
