"""leads.snapshot.read: a process holds one unpickled copy of every lead, however many of its
threads ask for a new copy at the same moment."""

from __future__ import annotations

import threading
import time

from django.core.cache import cache

from crmui.taskip import Lead
from leads import snapshot


def test_threads_asking_at_once_for_a_new_copy_share_one():
    leads = tuple(Lead(id=i, first_name=f"Lead {i}", email=f"{i}@x.io") for i in range(1, 20_001))
    stamp = time.time()
    snapshot.forget()
    cache.set(snapshot.BASE_KEY, (leads, stamp, stamp - 1), None)
    cache.set(snapshot.STAMP_KEY, stamp, None)
    cache.delete(snapshot.PATCHES_KEY)
    start = threading.Barrier(8)
    got = []

    def page():
        start.wait()
        got.append(snapshot.read())

    threads = [threading.Thread(target=page) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(got) == 8 and all(s is not None and len(s.leads) == 20_000 for s in got)
        assert len({id(s.leads) for s in got}) == 1  # one copy in memory, not one per thread
    finally:
        for key in (snapshot.BASE_KEY, snapshot.STAMP_KEY):
            cache.delete(key)
        snapshot.forget()
