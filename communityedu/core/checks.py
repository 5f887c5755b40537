"""System checks of the core settings: they run before every management command (``migrate``,
``run_periodic_jobs``, ``check --deploy``), so a misconfigured installation does not start."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from communityedu.core.audit_chain import retention_days


@register()
def audit_retention_check(app_configs=None, **kwargs):
    try:
        retention_days()
    except ImproperlyConfigured as problem:
        return [Error(str(problem), hint="Set AUDIT_RETENTION_DAYS to 180 or more.", id="core.E001")]
    return []
