"""What the customers app's views share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from core.views import redirect_after_post
from provisioning import selectors as provisioning_selectors


def live_context(request, *, target_type: str, pk: int) -> dict:
    """What a live status partial shows of an object: its open changes, its recent ones, its alerts."""
    operations = list(provisioning_selectors.operation_list(user=request.user, target_type=target_type,
                                                            target_id=pk)[:8])
    return {
        "operations": operations,
        "in_flight": any(op.is_open for op in operations),
        "object_alerts": list(provisioning_selectors.alert_list(user=request.user, target_type=target_type,
                                                                target_id=pk)[:5]),
    }


def stop_polling_when_done(response: HttpResponse, context: dict) -> HttpResponse:
    """A live partial answers 286 once nothing is in flight, so HTMX stops polling it."""
    if not context.get("in_flight"):
        response.status_code = 286
    return response


def queue(request, call, *, done: str, url: str):
    """Call a service that queues a change; say so (never "done": the vendor has not confirmed yet)."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect_after_post(request, url)
