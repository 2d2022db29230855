"""The admins' button on the budget page: run the self-check (leads/selfcheck.py) on the job
queue. The latest run is shown on the budget page (templatetag ``selfcheck_panel``)."""

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.roles import require
from crmui.htmx import redirect_after_write
from leads.models import SelfCheckRun


@require_POST
@require("budget.view")
def self_check(request):
    from leads.tasks import run_taskip_check

    if SelfCheckRun.waiting().exists():
        messages.info(request, "A self-check is already queued; it shows here when it has run.")
        return redirect_after_write(request, reverse("budget"))
    run = SelfCheckRun.objects.create(state=SelfCheckRun.QUEUED, requested_by=request.user)
    try:
        run_taskip_check(run.pk)
    except Exception:  # the queue could not take it: say so, leave nothing half-started
        run.delete()
        messages.error(
            request,
            "The job queue could not take the self-check just now. Try again, or run "
            "`python manage.py taskip_check` on the server.",
        )
        return redirect_after_write(request, reverse("budget"))
    messages.success(
        request, "Self-check queued: the worker runs it (about 20 TaskIP calls) and the result shows below."
    )
    return redirect_after_write(request, reverse("budget"))
