"""The scale path stays open: every domain row carries its town, every unique rule includes it."""

from django.apps import apps
from django.db import models

from communityedu.core.models import TownScopedModel


def _our_models():
    """Every model of every app of the product, read from the app registry: an app added later is
    guarded the day it is installed."""
    return [m for m in apps.get_models() if m._meta.app_config.name.startswith("communityedu.")]


def test_every_domain_model_carries_the_town_key_unless_declared_global():
    missing = [
        m._meta.label
        for m in _our_models()
        if not getattr(m, "is_global_table", False) and not issubclass(m, TownScopedModel)
    ]
    assert missing == []


def test_every_unique_rule_of_a_domain_model_includes_the_town():
    offenders = []
    for model in _our_models():
        if getattr(model, "is_global_table", False):
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and "town" not in constraint.fields:
                offenders.append(f"{model._meta.label}.{constraint.name}")
        for fields in model._meta.unique_together:
            if "town" not in fields:
                offenders.append(f"{model._meta.label} unique_together {fields}")
        for field in model._meta.get_fields():
            if getattr(field, "unique", False) and not getattr(field, "primary_key", False) and field.concrete:
                offenders.append(f"{model._meta.label}.{field.name} unique=True")
    assert offenders == []


def test_the_global_tables_are_the_expected_few():
    global_tables = sorted(m._meta.label for m in _our_models() if getattr(m, "is_global_table", False))
    assert global_tables == [
        "accounts.ActivationCode",
        "accounts.ApiToken",
        "accounts.User",
        "core.AuditLogEntry",
        "core.AuditSeal",
        "core.RateCounter",
        "organization.District",
        "organization.RoleAssignment",
        "organization.Town",
    ]
