from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The small shared bottom every app may import: audit trail, secrets, db helpers, choices, views."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers system checks)
