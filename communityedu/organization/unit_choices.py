"""Unit pickers grouped by unit type.

A town has some sixty units (19 learning centres, 19 village committees, twenty departments, the
teams and bases); offered as one flat list they are unusable on a phone. Every picker of units
groups them by type, in the order the types are declared in ``UnitType`` (leadership group first,
external units last), and within a type in pinyin order of the name.

- ``UnitChoiceField`` is a select with one ``<optgroup>`` per type; each option carries its name's
  pinyin (``data-keys``) so that static/js/unit-picker.js can filter the list as one types
  (弋阳, yiyang or yy).
- ``UnitsByTypeField`` is a list of checkboxes grouped by type, with one more checkbox per type,
  ``type:<unit type>``, meaning "every unit of this type": it works without JavaScript (the
  server expands it), and with JavaScript it ticks the group at once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from itertools import groupby

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from communityedu.organization.constants import UnitType
from communityedu.organization.models import Unit

TYPE_PREFIX = "type:"
_TYPE_ORDER = {value: position for position, value in enumerate(UnitType.values)}


@functools.lru_cache(maxsize=4096)
def _pinyin_keys(name: str) -> tuple[str, str]:
    """The name's pinyin and initials (弋阳村 → ``yiyangcun``, ``yyc``)."""
    syllables = lazy_pinyin(name, errors="default")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(syllables).lower(), "".join(initial[:1] for initial in initials).lower()


def _sort_key(unit: Unit) -> tuple[int, str, str]:
    return _TYPE_ORDER.get(unit.unit_type, len(_TYPE_ORDER)), _pinyin_keys(unit.name)[0], unit.name


def type_label(unit_type: str) -> str:
    return str(UnitType(unit_type).label) if unit_type in _TYPE_ORDER else unit_type


def units_by_type(units: Iterable[Unit]) -> list[tuple[str, str, list[Unit]]]:
    """``(unit type, its label, its units)`` in the order of ``UnitType``, the units in pinyin order."""
    ordered = sorted(units, key=_sort_key)
    return [(unit_type, type_label(unit_type), list(group)) for unit_type, group in groupby(ordered, key=_unit_type)]


def _unit_type(unit: Unit) -> str:
    return unit.unit_type


class _GroupedUnitIterator(ModelChoiceIterator):
    """Yields one ``(type label, [(value, name), ...])`` group per unit type."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for _unit_type_value, label, units in units_by_type(self.queryset):
            yield (label, [self.choice(unit) for unit in units])


class UnitSelect(forms.Select):
    """A select of units whose options carry their pinyin, filtered by unit-picker.js."""

    def __init__(self, attrs=None):
        texts = {
            "data-filter-label": _("Search the units by name or pinyin"),
            "data-filter-count": _("%(count)s units"),
        }
        super().__init__(attrs={"data-unit-filter": "", **texts, **(attrs or {})})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-keys"] = " ".join(_pinyin_keys(instance.name))
        return option


class UnitChoiceField(forms.ModelChoiceField):
    """One unit, offered grouped by type with a filter box."""

    iterator = _GroupedUnitIterator
    widget = UnitSelect

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset=Unit.objects.none() if queryset is None else queryset, **kwargs)


class UnitCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes grouped by unit type, each group with its "every unit of this type" box."""

    template_name = "organization/widgets/unit_checkboxes.html"

    def format_value(self, value):
        # Keep a posted ``type:…`` choice (a form shown again with its errors) beside the units.
        return [str(item) for item in super().format_value(value)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = set(context["widget"]["value"])
        groups = []
        for _group_name, options, _index in context["widget"]["optgroups"]:
            unit_type = options[0]["value"].instance.unit_type
            type_value = f"{TYPE_PREFIX}{unit_type}"
            if type_value in chosen:
                for option in options:
                    option["selected"] = True
                    option["attrs"]["checked"] = True
            groups.append(
                {
                    "label": type_label(unit_type),
                    "value": type_value,
                    "id": f"{attrs.get('id') or name}_{unit_type}",
                    "is_chosen": type_value in chosen,
                    "options": options,
                    "size": len(options),
                    "chosen": sum(1 for option in options if option["selected"]),
                }
            )
        context["widget"]["unit_groups"] = groups
        return context


class UnitsByTypeField(forms.ModelMultipleChoiceField):
    """Several units, ticked one by one or a whole type at once (``type:learning_centre``)."""

    iterator = _GroupedUnitIterator
    widget = UnitCheckboxes
    default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "invalid_type": _("“%(value)s” is not a type of unit."),
    }

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset=Unit.objects.none() if queryset is None else queryset, **kwargs)

    def clean(self, value):
        values = [str(item) for item in (value or [])]
        types = {item.removeprefix(TYPE_PREFIX) for item in values if item.startswith(TYPE_PREFIX)}
        for unit_type in sorted(types):
            if unit_type not in _TYPE_ORDER:
                raise forms.ValidationError(
                    self.error_messages["invalid_type"], code="invalid_type", params={"value": unit_type}
                )
        units = [item for item in values if not item.startswith(TYPE_PREFIX)]
        if types:
            whole_types = self.queryset.filter(unit_type__in=types).values_list("pk", flat=True)
            units += [str(pk) for pk in whole_types if str(pk) not in units]
        return super().clean(units)
