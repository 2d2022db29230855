"""TIME_SCALE divides every lifetime, interval and expiry of the dashboard, so a day can run in
minutes with everything expiring as it would."""

from __future__ import annotations

import time

import pytest

from crmui import budget, timescale
from crmui.cache import cached

pytestmark = pytest.mark.django_db


def test_scaled_divides_durations_by_time_scale(settings):
    settings.TIME_SCALE = 100
    assert timescale.scaled(300) == 3.0
    assert timescale.scaled_ttl(300) == 3
    assert timescale.scaled_ttl(15) == 1, "a cache timeout never drops to 0 (which means 'do not store')"
    assert timescale.product_seconds(3) == 300


def test_time_scale_1_changes_nothing(settings):
    settings.TIME_SCALE = 1
    assert timescale.scaled(3600) == 3600
    assert timescale.scaled_ttl(300) == 300


def test_a_nonsense_time_scale_counts_as_real_time(settings):
    settings.TIME_SCALE = 0
    assert timescale.scaled(60) == 60


def test_a_cached_read_expires_after_its_scaled_lifetime(settings):
    settings.TIME_SCALE = 300  # a 300 s lifetime becomes 1 s
    settings.TASKIP_CACHE_SECONDS = 300
    fetched = []

    def fetch():
        fetched.append(1)
        return len(fetched)

    assert cached("ts-test", ["a"], fetch).value == 1
    assert cached("ts-test", ["a"], fetch).value == 1
    time.sleep(2.1)
    from crmui.cache import forget_memo

    forget_memo()
    assert cached("ts-test", ["a"], fetch).value == 2, "the copy expired after 300 s / 300"


def test_the_budget_record_buckets_shrink_with_time_scale(settings):
    settings.TIME_SCALE = 60  # five-minute buckets of 5 s: an hour is a minute
    now = 1_000_000.0
    budget.record("ts:view", calls=3, hits=0, lookups=1, now=now)
    assert sum(r.calls for r in budget.usage(now=now) if r.view == "ts:view") == 3
    later = now + 61  # more than a scaled hour later: outside the window
    assert sum(r.calls for r in budget.usage(now=later) if r.view == "ts:view") == 0
