"""The Redis cache backend (bundel.core.cache): one client per connection pool, and the
cache works against a real Redis as Django's does."""

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from bundel.conf.base import cache_from_url
from bundel.core.cache import RedisCache

URL = "redis://127.0.0.1:6379/14"


def test_a_redis_cache_url_takes_the_backend_with_one_client_per_pool():
    setting = cache_from_url({"BACKEND": "django.core.cache.backends.redis.RedisCache"})
    assert setting["BACKEND"] == "bundel.core.cache.RedisCache"
    other = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    assert cache_from_url(dict(other)) == other


def test_one_client_serves_every_call():
    cache = RedisCache(URL, {})  # (making a client does not connect)
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    django = DjangoRedisCache(URL, {})
    assert django._cache.get_client() is not django._cache.get_client()  # a new one per call


# With a real Redis: in the PostgreSQL run, which CI gives Redis (as the real-worker test of
# tests/core/test_tasks.py); `make test` on SQLite needs no Redis.
@pytest.mark.postgresql
def test_the_cache_works_against_a_real_redis():
    redis.Redis.from_url(URL).flushdb()
    cache = RedisCache(URL, {})
    try:
        cache.set("a", {"version": "x"}, 60)
        assert cache.get_many(["a", "b"]) == {"a": {"version": "x"}}
        assert cache.add("a", 1) is False
        cache.delete("a")
        assert cache.get("a") is None
    finally:
        redis.Redis.from_url(URL).flushdb()
