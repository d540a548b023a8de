"""Member groups: people of member boards around a topic or a region, with discussion
threads, files, joint dialogue sessions with suppliers, and notifications of new posts.

Posts, questions, agendas and notes are stored as plain text; pages escape them and
turn http(s) addresses into links (`text.py`). Nothing here is HTML."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .constants import (
    EmailPreference,
    FileKind,
    GroupKind,
    GroupState,
    NotificationEmail,
    NotificationKind,
    SessionState,
)


class Group(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    description = models.TextField(_("description"), blank=True, help_text=_("Plain text."))
    state = models.CharField(
        _("state"), max_length=20, choices=GroupState.choices, default=GroupState.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("member group")
        verbose_name_plural = _("member groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.slug])

    @property
    def is_archived(self) -> bool:
        return self.state == GroupState.ARCHIVED


class Participant(models.Model):
    """A person in a group. Leaving keeps the row (`left_at`); joining again reopens it."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="participants", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_participations",
        verbose_name=_("person"),
    )
    joined_at = models.DateTimeField(_("joined at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["group", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                name="groups_participant_once_per_group",
                violation_error_message=_("This person is already in this group."),
            )
        ]
        indexes = [models.Index(fields=["user", "left_at"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.group}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Thread(models.Model):
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="threads", verbose_name=_("group")
    )
    title = models.CharField(_("title"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group", "created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("groups:thread", args=[self.group.slug, self.pk])


class Post(models.Model):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="group_posts",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"), help_text=_("Plain text; web addresses become links."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return f"{self.thread}: {self.body[:40]}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


def file_path(instance: "GroupFile", filename: str) -> str:
    """A name of our own (the uploaded name is kept in `name`, never used as a path)."""
    return f"groups/{instance.group_id}/{uuid.uuid4().hex}.{instance.kind}"


class GroupFile(models.Model):
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="files", verbose_name=_("group")
    )
    file = models.FileField(_("file"), upload_to=file_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=FileKind.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group file")
        verbose_name_plural = _("group files")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:file", args=[self.group.slug, self.pk])

    @property
    def download_name(self) -> str:
        """The uploaded name, with the extension of the type found in its content."""
        stem = PurePath(self.name).stem or "bestand"
        return f"{stem}.{self.kind}"


class DialogueSession(models.Model):
    """A joint dialogue of a group with a supplier (the seed's "gezamenlijke dialoog met
    aanbieders"): an agenda, questions the group collects beforehand, notes afterwards."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("group")
    )
    title = models.CharField(_("title"), max_length=200)
    supplier_name = models.CharField(
        _("supplier"), max_length=200, help_text=_("The company the group meets.")
    )
    suppliers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="dialogue_sessions",
        verbose_name=_("invited supplier accounts"),
        help_text=_("They see this session's agenda and questions, nothing else of the group."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, help_text=_("An address, or online."))
    agenda = models.TextField(_("agenda"), help_text=_("Plain text."))
    notes = models.TextField(_("notes"), blank=True, help_text=_("Plain text, afterwards."))
    state = models.CharField(
        _("state"), max_length=20, choices=SessionState.choices, default=SessionState.PLANNED
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("planned by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dialogue session")
        verbose_name_plural = _("dialogue sessions")
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.supplier_name})"

    def get_absolute_url(self) -> str:
        return reverse("groups:session", args=[self.pk])


class DialogueQuestion(models.Model):
    session = models.ForeignKey(
        DialogueSession,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("dialogue session"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    text = models.TextField(_("question"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class GroupPreference(models.Model):
    """A person's choice how new posts in their groups reach them by e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_preference",
        verbose_name=_("person"),
    )
    email = models.CharField(
        _("e-mail about new posts"), max_length=20, choices=EmailPreference.choices
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("group e-mail preference")
        verbose_name_plural = _("group e-mail preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"


class Digest(models.Model):
    """One digest e-mail sent to a person: the notifications it covered point here, so a
    second run of `groups_digest` finds nothing left to send."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_digests",
        verbose_name=_("person"),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    posts = models.PositiveIntegerField(_("posts"))

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """Shown in the app to `user`; `email` says how it is (or was) mailed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_notifications",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="+", verbose_name=_("group")
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        DialogueSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email = models.CharField(
        _("e-mail"),
        max_length=20,
        choices=NotificationEmail.choices,
        default=NotificationEmail.NONE,
    )
    digest = models.ForeignKey(
        Digest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("digest"),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(
                fields=["user"],
                condition=Q(email="digest", digest__isnull=True),
                name="groups_notification_digest_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="post", post__isnull=False)
                | Q(kind="session", session__isnull=False),
                name="groups_notification_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
