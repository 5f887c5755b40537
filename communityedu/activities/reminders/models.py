"""The record of SMS reminders sent (see the package docstring). It references the registration
by string: ``activities.models`` imports this module to register it."""

from django.db import models
from django.utils.translation import gettext_lazy

from communityedu.core.models import TownScopedModel


class ActivityReminder(TownScopedModel):
    """The SMS reminder of one registration, the day before its activity: at most one per
    registration (a database rule). Only the masked phone is kept; the message's outcome is the
    SMS record's."""

    registration = models.ForeignKey("activities.Registration", on_delete=models.PROTECT, related_name="reminders")
    masked_phone = models.CharField(gettext_lazy("phone (masked)"), max_length=20)
    # The SMS record's status once the message was handed over (sent or failed); empty while claimed.
    sms_status = models.CharField(gettext_lazy("SMS status"), max_length=10, blank=True)

    class Meta:
        app_label = "activities"
        ordering = ["-created_at", "-id"]
        verbose_name = gettext_lazy("activity reminder")
        verbose_name_plural = gettext_lazy("activity reminders")
        constraints = [
            models.UniqueConstraint(fields=["town", "registration"], name="activity_reminder_once_per_registration")
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.masked_phone}"
