from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "communityedu.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Django's own sign-in signals feed the audit log; our domain logic uses no signals.
        from communityedu.core import audit_signals, checks  # noqa: F401
