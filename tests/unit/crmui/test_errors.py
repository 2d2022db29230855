"""crmui.errors: every TaskIP failure in the user's words."""

from crmui.errors import user_message
from crmui.taskip import errors as taskip_errors


def test_taskip_errors_have_user_messages_for_every_kind():
    for exc in (
        taskip_errors.ServerError(500),
        taskip_errors.MalformedResponse(),
        taskip_errors.TaskipTimeout(),
        taskip_errors.RateLimited(retry_after=30),
        taskip_errors.TaskipConnectionError(),
    ):
        assert user_message(exc) and "Traceback" not in user_message(exc)


def test_rate_limit_message_reads_well():
    assert "Try again in about 3 minutes." in user_message(taskip_errors.RateLimited(retry_after=150))
