"""crmui.tally on its own: what a request asks once."""

from __future__ import annotations

import pytest


def test_asks_in_one_request_share_one_answer_and_one_failure_even_in_parallel():
    import threading
    import time

    from crmui import tally

    computed = []

    def slow():
        computed.append(1)
        time.sleep(0.05)
        return object()

    def failing():
        computed.append(1)
        raise RuntimeError("TaskIP said no")

    tally.begin_tally()
    try:
        got = []
        ctx = __import__("contextvars").copy_context()
        threads = [threading.Thread(target=lambda: got.append(ctx.copy().run(tally.once_per_request, "k", slow)))]
        threads += [threading.Thread(target=lambda: got.append(ctx.copy().run(tally.once_per_request, "k", slow)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(computed) == 1 and got[0] is got[1]
        for _ in range(2):
            with pytest.raises(RuntimeError, match="TaskIP said no"):
                tally.once_per_request("f", failing)
        assert len(computed) == 2, "the failure is kept for the request, not asked again"
    finally:
        tally.end_tally()
    tally.once_per_request("f", lambda: computed.append(1))
    assert len(computed) == 3, "outside a request it is computed every time"


def test_work_after_the_response_runs_once_it_has_gone_out_and_at_once_outside_a_page(rf):
    from django.core.signals import request_finished
    from django.http import HttpResponse

    from crmui import tally
    from crmui.middleware import UpstreamMiddleware

    ran = []
    tally.after_response(lambda: ran.append("outside a page"))
    assert ran == ["outside a page"]

    def view(request):
        tally.after_response(lambda: 1 / 0)  # a failing piece does not stop the next
        tally.after_response(lambda: ran.append("after the response"))
        ran.append("view")
        return HttpResponse("ok")

    response = UpstreamMiddleware(view)(rf.get("/"))
    assert ran == ["outside a page", "view"], "it ran before the response went out"
    response.close()  # what the server does once it has sent the response (request_finished)
    assert ran == ["outside a page", "view", "after the response"]
    request_finished.send(sender=None)
    assert ran.count("after the response") == 1, "it ran twice"
