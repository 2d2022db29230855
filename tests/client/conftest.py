"""Fixtures for the TaskIP client tests (pure Python: no Django needed)."""

from __future__ import annotations

import pytest
import responses as responses_lib

from crmui.taskip import TaskipClient

BASE = "http://taskip.test/api/public-v1"
SECRET = "sk_test_S3CR3T-KEY-never-leak-0123456789"


@pytest.fixture
def rsps():
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as r:
        yield r


@pytest.fixture
def calls():
    return []


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(rsps, calls, sleeps):
    c = TaskipClient(BASE + "/", SECRET, on_call=calls.append, max_retries=2, backoff=0.5)
    c._sleep = sleeps.append
    c._now = lambda: 1_700_000_000.0
    return c
