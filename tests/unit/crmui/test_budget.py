"""crmui.budget: the rolling record of calls per page and where the hour is heading."""

import time

from crmui import budget


def test_projection_warns_when_the_pace_would_spend_the_budget_before_reset():
    now = time.time()
    for _ in range(30):
        budget.record("leads:list", calls=10, hits=0, lookups=1, now=now)
    rl = {"limit": 1000, "remaining": 200, "reset": now + 1800}
    proj = budget.projection(rl, now=now)
    assert proj.calls_last_hour == 300
    assert proj.exhausted_in_minutes is not None and proj.exhausted_in_minutes < 30
