"""Helpers for the import and drift tests: the job's steps as a worker and staff take them."""

from __future__ import annotations

from customers.services import drift_check, imports
from provisioning.models import ImportJob


def start(account, scope, staff, **kwargs) -> ImportJob:
    """Record the scope and run the worker's look-up (the proposal)."""
    job = imports.import_start(vendor_account=account, scope=scope, acting_user=staff, dispatch=False, **kwargs)
    imports.import_propose(job_id=job.pk)
    job.refresh_from_db()
    return job


def confirm(job: ImportJob, staff, mapping: dict[int, int | None] | None = None) -> ImportJob:
    """Staff confirm the proposal as it stands (or with ``mapping``)."""
    chosen = {i: r.get("customer_id") for i, r in enumerate(job.proposal) if not r.get("error")}
    chosen.update(mapping or {})
    imports.import_confirm(job=job, mapping=chosen, acting_user=staff, dispatch=False)
    return ImportJob.objects.get(pk=job.pk)


def run(job: ImportJob, *, on_wait=None, rounds: int = 200) -> ImportJob:
    """The worker's run, resumed after each wait (``on_wait`` lets the test pass the time) until it ends."""
    for _ in range(rounds):
        imports.import_run(job_id=job.pk)
        job = ImportJob.objects.get(pk=job.pk)
        if job.is_final:
            return job
        if on_wait is None:
            raise AssertionError(f"import #{job.pk} stopped: {job.error}")
        on_wait(job)
        ImportJob.objects.filter(pk=job.pk).update(claimed_until=None)
    raise AssertionError(f"import #{job.pk} did not end: {job.error}")


def import_all(account, staff, scope="all", **kwargs) -> ImportJob:
    """Propose, confirm as proposed, run."""
    return run(confirm(start(account, scope, staff), staff), **kwargs)


# ---- the limiter on the sandbox's clock ------------------------------------------------------------------
_clock = None


def sandbox_now() -> float:
    """The limiter's time in these tests: the sandbox's own clock, so passing a minute there frees both."""
    return _clock.now()


def share_clock(sandbox, settings):
    """Give the shared rate limiter the sandbox's clock (as the rate benchmark does); the clock to advance."""
    global _clock
    _clock = sandbox.app.clock
    settings.PROVISIONING_LIMITER_CLOCK = f"{__name__}.sandbox_now"
    return _clock


def check_round(account, *, units: int = 3, on_wait=None, runs: int = 500) -> list[dict]:
    """Drift-check runs of a few units each until the whole estate has been compared once."""
    from_runs = []
    for _ in range(runs):
        result = drift_check.drift_check_run(vendor_account=account, units=units)
        from_runs.append(result)
        if result.get("round_done"):
            return from_runs
        if result.get("error"):
            if on_wait is None:
                raise AssertionError(f"the drift check stopped: {result['error']}")
            on_wait(result)
    raise AssertionError("the drift check never finished its round")
