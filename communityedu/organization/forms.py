from django import forms
from django.utils.translation import gettext_lazy as _

from communityedu.core.parsing import VisibleNamesFormMixin
from communityedu.organization.constants import UnitCategory
from communityedu.organization.models import Unit, Village, VillagePopulation


class LinesField(forms.CharField):
    """One entry per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class UnitForm(VisibleNamesFormMixin, forms.ModelForm):
    aliases = LinesField(label=_("Aliases (one per line)"), required=False)
    duties = LinesField(label=_("Duties (one per line)"), required=False)

    class Meta:
        model = Unit
        fields = ["name", "unit_type", "parent", "village", "is_leadership_member", "category", "description"]

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.filter(town=town).exclude(pk=self.instance.pk)
        self.fields["village"].queryset = Village.objects.filter(town=town)
        self.fields["description"].widget.attrs["rows"] = 3
        # Left blank: a new unit takes the category of its type, an existing one keeps its own.
        self.fields["category"].required = False
        self.fields["category"].choices = [("", _("(from the type)")), *UnitCategory.choices]
        if not self.instance.pk:
            self.initial["category"] = ""
        if self.instance.pk:
            self.initial["aliases"] = [a.name for a in self.instance.aliases.all()]
            self.initial["duties"] = [d.text for d in self.instance.duties.all()]

    def clean_category(self):
        return self.cleaned_data.get("category") or (self.instance.category if self.instance.pk else "")

    def _post_clean(self):
        # The service validates and saves; the form only parses.
        pass


class VillageForm(VisibleNamesFormMixin, forms.ModelForm):
    class Meta:
        model = Village
        fields = ["name", "code", "kind"]

    def _post_clean(self):
        pass


class PopulationForm(forms.ModelForm):
    class Meta:
        model = VillagePopulation
        fields = ["year", "resident_population"]
        widgets = {"year": forms.NumberInput(attrs={"min": 2000, "max": 2100})}

    def _post_clean(self):
        pass


class PopulationYearForm(forms.Form):
    """The resident population of every village of a town for one year, in one form."""

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = list(villages)
        for village, population in self.villages:
            self.fields[f"village-{village.pk}"] = forms.IntegerField(
                label=village.name, min_value=0, max_value=10_000_000, required=False, initial=population
            )

    def populations(self) -> dict:
        """The villages given a number (a blank leaves the village as it is)."""
        return {
            village: self.cleaned_data[f"village-{village.pk}"]
            for village, _population in self.villages
            if self.cleaned_data.get(f"village-{village.pk}") is not None
        }


class PopulationImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    sheet = forms.FileField(
        label=_("Spreadsheet (.xlsx)"), help_text=_("Columns: 村（社区） or 代码, and 常住人口; one row per village.")
    )


class TargetsForm(forms.Form):
    """Every village's and unit's targets for a year, in one form; each field is named
    ``<figure key>-<village or unit id>``."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for (key, subject_id), value in current.items():
            self.fields[f"{key}-{subject_id}"] = forms.DecimalField(
                label=key, min_value=0, max_value=100, max_digits=5, decimal_places=2, initial=value
            )

    def values(self) -> dict:
        result = {}
        for name, value in self.cleaned_data.items():
            key, _separator, subject_id = name.rpartition("-")
            result[(key, int(subject_id))] = value
        return result


class VillageLinesField(LinesField):
    """One village or community per line: 名称, or 名称:行政区划代码."""

    def to_python(self, value):
        villages = []
        for line in super().to_python(value):
            name, _separator, code = line.replace("：", ":").partition(":")
            villages.append((name.strip(), code.strip()))
        return villages

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{name}:{code}" if code else name for name, code in value)
        return value


class TownForm(VisibleNamesFormMixin, forms.Form):
    """A new town of the deployment, with its villages (the ``create_town`` command's page)."""

    name = forms.CharField(label=_("Town name"), max_length=50, help_text=_("e.g. 南沱镇"))
    slug = forms.SlugField(
        label=_("Slug"), max_length=40, help_text=_("Short name used in addresses, letters and digits: nantuo")
    )
    code = forms.CharField(label=_("Administrative code"), max_length=9, required=False)
    district_code = forms.CharField(label=_("District code"), max_length=6, help_text=_("e.g. 500102"))
    district_name = forms.CharField(
        label=_("District name"), max_length=50, required=False, help_text=_("Needed if the district is new.")
    )
    programme_start = forms.DateField(
        label=_("Programme start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    villages = VillageLinesField(
        label=_("Villages and communities (one per line)"),
        required=False,
        help_text=_("名称 or 名称:行政区划代码; each gets a learning centre and a committee."),
    )


class NewVillageForm(VisibleNamesFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Village or community name"), max_length=50, help_text=_("A name ending in 社区 makes a community.")
    )
    code = forms.CharField(label=_("Administrative code"), max_length=12, required=False)
