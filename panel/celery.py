"""The Celery application: Redis when REDIS_URL is set, else kombu's file-system broker.

Tasks are thin (take ids, call a service) and run with ``acks_late``, so a killed worker's task
is delivered again; every task is written to be safe to run twice. Long waits never ride on
countdowns: due times live on the rows and beat's sweep claims what is due.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")

app = Celery("panel")
app.config_from_object("django.conf:settings", namespace="CELERY")


def queue_name(name: str) -> str:
    """The broker queue for ``name``, prefixed so parallel runs sharing a Redis stay apart."""
    from django.conf import settings

    return f"{settings.CELERY_QUEUE_PREFIX}{name}"


@app.on_after_configure.connect
def _configure(sender: Celery, **kwargs) -> None:
    from django.conf import settings

    provisioning = queue_name("provisioning")
    sender.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=provisioning,
        task_queues=[Queue(provisioning)],
        task_routes={"provisioning.*": {"queue": provisioning}, "customers.*": {"queue": provisioning}},
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "provisioning.sweep": {
                "task": "provisioning.sweep_due_operations",
                "schedule": settings.PROVISIONING_SWEEP_SECONDS,
                # A sweep that waited a whole interval in the queue is stale: the next one will do.
                "options": {"expires": settings.PROVISIONING_SWEEP_SECONDS},
            },
            "customers.sweep_mailbox_imports": {
                "task": "customers.sweep_mailbox_imports",
                "schedule": 30,
                "options": {"expires": 30},
            },
            "customers.sweep_imports": {
                "task": "customers.sweep_imports",
                "schedule": 30,
                "options": {"expires": 30},
            },
            # A few objects of each vendor account's estate compared with the vendor per run (drift alerts).
            "customers.drift_checks": {
                "task": "customers.drift_checks",
                "schedule": settings.DRIFT_CHECK_SECONDS,
                "options": {"expires": settings.DRIFT_CHECK_SECONDS},
            },
            "provisioning.check_states": {
                "task": "provisioning.check_states",
                "schedule": settings.PROVISIONING_CHECK_SECONDS,
                "options": {"expires": settings.PROVISIONING_CHECK_SECONDS},
            },
        },
        beat_schedule_filename=settings.CELERY_BEAT_SCHEDULE_FILE,
        # The file-system broker has no fanout exchange, so remote control is Redis-only.
        worker_enable_remote_control=bool(settings.REDIS_URL),
        worker_hijack_root_logger=False,
    )
    # Celery's Django fixup closes the database connection before and after every task unless told to
    # reuse it: a new PostgreSQL connection per step cost more than the step. Tasks keep their connection
    # and treat it as Django treats one across requests (below).
    sender.conf.CELERY_DB_REUSE_MAX = 10**9


@task_prerun.connect
@task_postrun.connect
def _database_hygiene(**kwargs) -> None:
    """As around a web request: drop a connection that broke or outlived CONN_MAX_AGE; keep the rest."""
    close_old_connections()


app.autodiscover_tasks()
