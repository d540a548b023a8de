"""Reading groups: who may see what, and the lists of the pages and the API.

Members-only: the cooperative's staff and the people of member boards (their contacts and
council members) read every group, its threads, posts, files and dialogue sessions;
suppliers, the public and people of boards that are not members read nothing. The one
exception: a supplier invited to a dialogue session reads that session (its agenda and
the questions, without who asked them), nothing else of the group.

Whether a board is a member is part of each query (an EXISTS), so it costs no query of
its own and is never stale.
"""

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from bundel.accounts.constants import Role
from bundel.membership.selectors import member_board_ids

from .models import (
    DialogueQuestion,
    DialogueSession,
    Group,
    GroupFile,
    Notification,
    Participant,
    Post,
    Thread,
)


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _members_only(queryset: QuerySet, user) -> QuerySet:
    """`queryset` for staff and the people of a member board; nothing for anyone else."""
    if not _authenticated(user):
        return queryset.none()
    if user.is_cooperative_staff:
        return queryset
    if user.board_id and user.role in (Role.BOARD_CONTACT, Role.COUNCIL_MEMBER):
        return queryset.filter(Exists(member_board_ids().filter(board_id=user.board_id)))
    return queryset.none()


def groups_visible_to(user) -> QuerySet[Group]:
    return _members_only(Group.objects.all(), user)


def participants_visible_to(user) -> QuerySet[Participant]:
    return _members_only(Participant.objects.select_related("user__board", "group"), user)


def threads_visible_to(user) -> QuerySet[Thread]:
    return _members_only(Thread.objects.select_related("group", "started_by"), user)


def posts_visible_to(user) -> QuerySet[Post]:
    """Hidden posts are included: pages show that a post was hidden and why, and only
    staff see its text."""
    return _members_only(Post.objects.select_related("thread__group", "author__board"), user)


def files_visible_to(user) -> QuerySet[GroupFile]:
    return _members_only(GroupFile.objects.select_related("group", "uploaded_by"), user)


def sessions_visible_to(user) -> QuerySet[DialogueSession]:
    """Members and staff: every session; a supplier: the sessions it is invited to."""
    base = DialogueSession.objects.select_related("group")
    if _authenticated(user) and user.role == Role.SUPPLIER and not user.is_cooperative_staff:
        return base.filter(
            Exists(
                DialogueSession.suppliers.through.objects.filter(
                    dialoguesession_id=OuterRef("pk"), user_id=user.pk
                )
            )
        )
    return _members_only(base, user)


def questions_visible_to(user) -> QuerySet[DialogueQuestion]:
    return DialogueQuestion.objects.select_related("author__board").filter(
        session__in=sessions_visible_to(user)
    )


def notifications_visible_to(user) -> QuerySet[Notification]:
    """A person's own notifications, while they may read the groups."""
    if not _authenticated(user):
        return Notification.objects.none()
    own = Notification.objects.filter(user=user).select_related(
        "group", "post__thread", "post__author", "session"
    )
    return _members_only(own, user)


def unread_count(user) -> int:
    return notifications_visible_to(user).filter(read_at__isnull=True).count()


# -- who may do what ----------------------------------------------------------------------


def is_reader(user) -> bool:
    """May read the groups (the same rule as `_members_only`, as one yes or no)."""
    if not _authenticated(user):
        return False
    if user.is_cooperative_staff:
        return True
    return (
        bool(user.board_id)
        and user.role in (Role.BOARD_CONTACT, Role.COUNCIL_MEMBER)
        and member_board_ids().filter(board_id=user.board_id).exists()
    )


def is_participant(user, group: Group) -> bool:
    return (
        _authenticated(user)
        and Participant.objects.filter(group=group, user=user, left_at__isnull=True).exists()
    )


# -- lists ---------------------------------------------------------------------------------


def _count(queryset: QuerySet, by: str) -> Coalesce:
    """A correlated COUNT subquery of `queryset` (filtered on an OuterRef through `by`);
    several counts by joins would multiply each other."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _last(queryset: QuerySet, by: str, field: str = "created_at") -> Subquery:
    return Subquery(queryset.order_by().values(by).annotate(last=Max(field)).values("last")[:1])


def with_figures(groups: QuerySet[Group], user) -> QuerySet[Group]:
    """Each group with its number of participants and threads, the time of its last post,
    and whether `user` takes part: one query for the whole list."""
    active = Participant.objects.filter(group=OuterRef("pk"), left_at__isnull=True)
    return groups.annotate(
        participant_count=_count(active, "group"),
        thread_count=_count(Thread.objects.filter(group=OuterRef("pk")), "group"),
        last_post_at=_last(Post.objects.filter(thread__group=OuterRef("pk")), "thread__group"),
        is_participant=Exists(active.filter(user_id=getattr(user, "pk", None))),
    )


def group_list(user) -> QuerySet[Group]:
    """The groups `user` may see, theirs first, then by name; archived ones last."""
    return with_figures(groups_visible_to(user), user).order_by("state", "-is_participant", "name")


def my_groups(user) -> QuerySet[Group]:
    """The groups `user` takes part in (and may read)."""
    mine = groups_visible_to(user).filter(
        Exists(
            Participant.objects.filter(
                group=OuterRef("pk"), user_id=getattr(user, "pk", None), left_at__isnull=True
            )
        )
    )
    return with_figures(mine, user).order_by("name")


def thread_list(group: Group, user) -> QuerySet[Thread]:
    """The group's threads with their number of posts and last activity, latest first."""
    posts = Post.objects.filter(thread=OuterRef("pk"))
    return (
        threads_visible_to(user)
        .filter(group=group)
        .select_related("started_by__board")
        .annotate(post_count=_count(posts, "thread"), last_post_at=_last(posts, "thread"))
        .order_by(Coalesce("last_post_at", "created_at").desc(), "-pk")
    )


def thread_posts(thread: Thread, user) -> QuerySet[Post]:
    return posts_visible_to(user).filter(thread=thread).order_by("created_at", "pk")


def group_participants(group: Group, user) -> QuerySet[Participant]:
    return (
        participants_visible_to(user)
        .filter(group=group, left_at__isnull=True)
        .order_by("user__board__name", "user__last_name", "user__first_name", "pk")
    )


def group_files(group: Group, user) -> QuerySet[GroupFile]:
    return files_visible_to(user).filter(group=group).order_by("-uploaded_at", "-pk")


def group_sessions(group: Group, user) -> QuerySet[DialogueSession]:
    questions = DialogueQuestion.objects.filter(session=OuterRef("pk"))
    return (
        sessions_visible_to(user)
        .filter(group=group)
        .annotate(question_count=_count(questions, "session"))
        .order_by("-starts_at", "-pk")
    )


def session_questions(session: DialogueSession, user) -> QuerySet[DialogueQuestion]:
    return questions_visible_to(user).filter(session=session).order_by("created_at", "pk")


def notification_list(user) -> QuerySet[Notification]:
    return notifications_visible_to(user).order_by("-created_at", "-pk")


def post_position(post: Post) -> int:
    """How many posts of its thread come before `post` (to find its page)."""
    return (
        Post.objects.filter(thread_id=post.thread_id)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )
