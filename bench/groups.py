"""Member groups at national scale: one group with a participant for each of 1,000 member
boards; the time to post (notifying everyone in one bulk insert), the daily digest for
all of them, and the thread page and API with 50 posts.

`run()` expects Django set up on PostgreSQL (bench/run.py does it) with the DUO registry
loaded; boards without a membership are made members here when there are too few.
Prints figures; asserts nothing but the status of the requests.
"""

import statistics
import time

PEOPLE = 1000
POSTS = 20


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def run() -> None:
    from django.core import mail
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bundel.accounts.constants import Role
    from bundel.accounts.models import User
    from bundel.groups import services
    from bundel.groups.models import GroupPreference, Notification, Participant
    from bundel.membership.models import Membership
    from bundel.membership.selectors import member_board_ids
    from bundel.registry.models import Board

    staff = User.objects.filter(role=Role.STAFF).first() or User.objects.create(
        username="bench-groups", email="bench-groups@bundel.test", role=Role.STAFF
    )
    boards = list(Board.objects.filter(pk__in=member_board_ids()).order_by("pk")[:PEOPLE])
    if len(boards) < PEOPLE:
        extra = Board.objects.exclude(memberships__isnull=False).order_by("pk")
        extra = list(extra[: PEOPLE - len(boards)])
        Membership.objects.bulk_create(
            Membership(board=b, state="member", admitted_on=timezone.localdate()) for b in extra
        )
        boards += extra
    people = User.objects.bulk_create(
        User(
            username=f"bench-group-{b.duo_number}",
            email=f"bench-group-{b.duo_number}@bundel.test",
            role=Role.BOARD_CONTACT,
            board=b,
            password="!",
        )
        for b in boards
    )
    group = services.group_create(name="Bench: wifi in het po", kind="topic", by=staff)
    now = timezone.now()
    Participant.objects.bulk_create(Participant(group=group, user=u, joined_at=now) for u in people)
    GroupPreference.objects.bulk_create(GroupPreference(user=u, email="daily") for u in people)
    author = people[0]
    print(f"\nMember groups: one group with {len(people):,} participants (all on the digest)")

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        thread = services.thread_start(
            group=group, title="Access points", body="Hoeveel per lokaal?", by=author
        )
    print(
        f"  start a thread (notify {len(people) - 1:,})  {_ms(start):8.1f} ms  "
        f"{len(queries)} queries"
    )
    times = []
    for n in range(POSTS):
        start = time.perf_counter()
        services.post_add(thread=thread, body=f"Antwoord {n}: https://example.test/{n}", by=author)
        times.append(_ms(start))
    print(f"  post a reply (median of {POSTS})    {statistics.median(times):8.1f} ms")
    print(
        f"  notifications stored          {Notification.objects.filter(group=group).count():>10,}"
    )

    mail.outbox = []
    start = time.perf_counter()
    sent, posts = services.digests_send()
    seconds = _ms(start) / 1000
    print(
        f"  daily digest: {sent:,} e-mails, {posts:,} posts in {seconds:.1f} s "
        f"({sent / max(seconds, 1e-9):,.0f} e-mails/s; locmem backend)"
    )
    start = time.perf_counter()
    again, _posts = services.digests_send()
    print(f"  second digest run: {again} e-mails in {_ms(start):.1f} ms")

    client = Client()
    client.force_login(people[1])
    urls = [
        "/groups/",
        f"/groups/{group.slug}/",
        f"/groups/{group.slug}/threads/{thread.pk}/",
        f"/groups/{group.slug}/participants/",
        f"/api/v1/groups/threads/{thread.pk}/posts/",
    ]
    print(f"  {'request':44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for url in urls:
        for _ in range(3):
            client.get(url)
        times = []
        for _ in range(20):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append(_ms(start))
            assert response.status_code == 200, (url, response.status_code)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"  {url:44} {statistics.median(times):8.1f} {p95:8.1f} {len(queries):8}")
