"""The budget governor: the one decision whether a background call may go now."""

import pytest

from crmui import governor

pytestmark = pytest.mark.django_db

NOW = 1_800_000_000.0


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.TASKIP_BURST_LIMIT = 60  # half of it: 30 a minute, one every 2 s
    settings.JOBS_BURST_SHARE = 0.5
    settings.JOBS_HOURLY_RESERVE = 0.3


def test_background_calls_are_spaced_to_half_the_burst():
    slept = []
    for _i in range(5):
        governor.acquire(now=NOW, sleep=slept.append)
    assert slept == [2.0, 4.0, 6.0, 8.0]  # the first goes at once; then one every 60/30 s


def test_a_pacing_wait_longer_than_a_few_seconds_is_handed_back_not_slept():
    for _ in range(8):
        governor.acquire(now=NOW, sleep=lambda s: None)  # slots up to NOW + 16 s taken
    with pytest.raises(governor.BudgetWait) as exc:
        governor.acquire(now=NOW, sleep=lambda s: pytest.fail("must not sleep"))
    assert exc.value.retry_after == pytest.approx(16.0)


def test_jobs_never_take_the_last_30_percent_of_the_hour():
    governor.note_reading(100, 32, NOW + 600, now=NOW)
    governor.acquire(now=NOW, sleep=lambda s: None)  # 32 left: may go (31 after it)
    governor.acquire(now=NOW + 10, sleep=lambda s: None)  # 31 left: may go (30 after it)
    with pytest.raises(governor.BudgetWait) as exc:
        governor.acquire(now=NOW + 20, sleep=lambda s: None)  # 30 left = the reserve
    assert exc.value.retry_after == pytest.approx(581.0)  # until X-RateLimit-Reset (+1 s)
    assert "30 %" in str(exc.value)


def test_a_fresh_reading_after_the_reset_lets_jobs_go_again():
    governor.note_reading(100, 30, NOW + 60, now=NOW)
    with pytest.raises(governor.BudgetWait):
        governor.acquire(now=NOW)
    governor.note_reading(100, 100, NOW + 3660, now=NOW + 61)
    assert governor.acquire(now=NOW + 61, sleep=lambda s: None) == 0


def test_after_a_429_no_background_call_goes_before_retry_after():
    governor.note_rate_limited(42, now=NOW)
    with pytest.raises(governor.BudgetWait) as exc:
        governor.acquire(now=NOW + 2)
    assert exc.value.retry_after == pytest.approx(40.0)
    assert governor.acquire(now=NOW + 43, sleep=lambda s: None) == 0


def test_the_summary_tells_what_jobs_spent_and_wait_for():
    governor.note_reading(100, 31, NOW + 600, now=NOW)
    for i in range(3):
        try:
            governor.acquire(now=NOW + i, sleep=lambda s: None)
        except governor.BudgetWait:
            pass
    s = governor.summary(now=NOW + 5)
    assert s.calls_last_hour == 1
    assert s.per_minute_cap == 30
    assert s.waiting_until == NOW + 601
    assert "people" in s.waiting_reason


def test_unlimited_readings_do_not_hold_jobs_back():
    governor.note_reading(1_000_000, 3, NOW + 600, now=NOW)
    assert governor.acquire(now=NOW, sleep=lambda s: None) == 0
