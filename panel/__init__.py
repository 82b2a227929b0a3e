"""The Django project: settings, URLs, the Celery app and the staff shell (layout, dashboard)."""

from panel.celery import app as celery_app

__all__ = ("celery_app",)
