"""Cached results under data versions (bundel.core.versions.cached): served while every
version it names stays where it was, computed anew after any of them moves, after it
expires by itself, or when a version's token is gone from the cache."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from bundel.core import versions


class Counter:
    """A compute() that counts its calls and returns the count."""

    def __init__(self, during=None):
        self.calls = 0
        self.during = during

    def __call__(self):
        self.calls += 1
        if self.during:
            self.during()
        return self.calls


def test_a_result_is_served_while_its_versions_stay():
    compute = Counter()
    for _ in range(3):
        assert versions.cached("list", ("q",), compute, under=["a", "b"]) == 1
    assert compute.calls == 1
    assert versions.cached("list", ("other",), compute, under=["a", "b"]) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("moved", ["a", "b"])
def test_moving_any_of_its_versions_computes_it_anew(moved):
    compute = Counter()
    versions.cached("list", (), compute, under=["a", "b"])
    versions.bump(moved)
    assert versions.cached("list", (), compute, under=["a", "b"]) == 2
    assert versions.cached("list", (), compute, under=["a", "b"]) == 2


@pytest.mark.django_db
def test_a_result_computed_while_its_data_changed_is_not_served_afterwards():
    """A request reads the version, then another saves (bump) before the first stores its
    result: that result was made of the old data and must not be served."""
    compute = Counter(during=lambda: versions.bump("a"))
    versions.cached("list", (), compute, under=["a"])
    compute.during = None
    assert versions.cached("list", (), compute, under=["a"]) == 2


def test_a_version_whose_token_was_evicted_is_a_miss():
    compute = Counter()
    versions.cached("list", (), compute, under=["a"])
    cache.delete("version:a")
    assert versions.cached("list", (), compute, under=["a"]) == 2


def test_a_result_expires_by_itself_at_the_moment_it_names(monkeypatch):
    start = timezone.now()
    compute = Counter()

    def expires(now):
        return now + timedelta(minutes=5)

    assert versions.cached("list", (), compute, expires=expires) == 1
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=4))
    assert versions.cached("list", (), compute, expires=expires) == 1
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=6))
    assert versions.cached("list", (), compute, expires=expires) == 2
