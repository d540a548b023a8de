"""Django's Redis cache backend, with one redis client per connection pool.

Django's `RedisCacheClient` makes a new `redis.Redis` for every cache call, and redis-py's
constructor sets up some 170 response callbacks: about 0.1 ms a call, a sixth of a page
served from the cache. A client is safe to share between threads (it takes a connection
from its pool for each command) and its pool starts afresh after a fork, so one client
per pool does. Settings use it for every `redis://` CACHE_URL (bundel.conf.base).
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id(pool) -> (pool, client)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        found = self._clients.get(id(pool))
        if found is None:
            found = self._clients[id(pool)] = (pool, self._client(connection_pool=pool))
        return found[1]


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
