"""The e-mails of the groups, in the site's language (Dutch), plain text.

Built inside the transaction of the change (so they show what was stored) and sent by
the caller: new posts and invitations after commit, the digest by `groups_digest`."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import DialogueSession, Post


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message(user, subject: str, template: str, context: dict) -> EmailMessage:
    body = render_to_string(
        template,
        {
            **context,
            "user": user,
            "preferences_url": site_url(reverse("groups:preferences")),
        },
    )
    return EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])


def post_url(post: Post) -> str:
    return site_url(f"{post.thread.get_absolute_url()}?post={post.pk}#post-{post.pk}")


def post_messages(post: Post, recipients) -> list[EmailMessage]:
    """One e-mail per person (no one sees who else is in the group)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Bundel] %(group)s: %(thread)s") % {
            "group": post.thread.group.name,
            "thread": post.thread.title,
        }
        context = {"post": post, "url": post_url(post)}
        return [
            _message(user, subject, "groups/email/post.txt", context)
            for user in recipients
            if user.email
        ]


def digest_message(user, posts: list[Post]) -> EmailMessage:
    """The posts grouped by group and thread, oldest first."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Bundel] %(n)s new posts in your groups") % {"n": len(posts)}
        threads: dict = {}
        for post in sorted(posts, key=lambda p: (p.thread.group.name, p.thread_id, p.pk)):
            threads.setdefault(post.thread, []).append((post, post_url(post)))
        return _message(user, subject, "groups/email/digest.txt", {"threads": threads})


def invitation_messages(session: DialogueSession, suppliers) -> list[EmailMessage]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Bundel] Invitation: %(title)s") % {"title": session.title}
        context = {"session": session, "url": site_url(session.get_absolute_url())}
        return [
            _message(user, subject, "groups/email/invitation.txt", context)
            for user in suppliers
            if user.email
        ]
