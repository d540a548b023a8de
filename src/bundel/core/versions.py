"""Named data versions for caches: a token that changes whenever that data changes.

`bump(name)` is called by the signals of the models the data is made of (see the apps'
`ready()`); a cached result is stored with the tokens it was computed under and served
only while they are current, so a change makes the next request compute anew. The
tokens live in the cache itself: every web process sees the same ones when the cache is
shared (Redis in production, `CACHE_URL`; a file cache for `make run`, so that commands
in another process are seen too). A token that is missing (evicted, or a new cache) is a
new one: a miss, never a stale hit.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

FOREVER = None


def _key(name: str) -> str:
    return f"version:{name}"


def current(name: str) -> str:
    token = cache.get(_key(name))
    if token is None:
        cache.add(_key(name), uuid.uuid4().hex, FOREVER)
        token = cache.get(_key(name))
    return token


def bump(name: str) -> None:
    """Now (this transaction's own later reads) and again at commit (so that a request
    that computed from the data before the commit cannot leave its result current)."""

    def new_token() -> None:
        cache.set(_key(name), uuid.uuid4().hex, FOREVER)

    new_token()
    transaction.on_commit(new_token)


def bumper(name: str):
    """A signal receiver that bumps `name`."""

    def receiver(sender, **kwargs) -> None:
        bump(name)

    receiver.__name__ = f"bump_{name}"
    return receiver


def cached(name: str, parts, compute, *, under=(), expires=None):
    """`compute()`, cached under `name` and `parts` (repr-stable: they must name every input
    of the result) for CACHED_RESULTS_SECONDS, and valid while the data versions named in
    `under` stay where they were when it was computed. One cache read fetches the result
    with those versions' tokens (a page served from the cache costs one round trip).

    `expires(now)`, if given, is the moment the result goes out of date by itself (None:
    never); it is asked before computing, so a change in between is not missed."""
    raw = repr((name, parts)).encode()
    key = f"cached:{name}:{hashlib.sha256(raw).hexdigest()}"
    token_keys = [_key(version) for version in under]
    found = cache.get_many([*token_keys, key])
    tokens = tuple(
        found.get(token_key) or current(version)
        for token_key, version in zip(token_keys, under, strict=True)
    )
    now = timezone.now()
    hit = found.get(key)
    if hit is not None:
        hit_tokens, until, value = hit
        if hit_tokens == tokens and (until is None or now <= until):
            return value
    until = expires(now) if expires else None
    value = compute()
    cache.set(key, (tokens, until, value), settings.CACHED_RESULTS_SECONDS)
    return value


def request_parts(request) -> tuple:
    """A request's query parameters as cache-key parts (the last value of each, as forms
    read them; each value cut at 200 characters)."""
    return tuple(sorted((k, v[:200]) for k, v in request.GET.items()))
