from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.activities.models import Activity
from communityedu.core.parsing import VisibleNamesFormMixin
from communityedu.news.constants import NewsKind


class NewsItemForm(VisibleNamesFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NewsKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; leave an empty line between paragraphs."),
    )
    unit = forms.ModelChoiceField(label=_("Published by"), queryset=None)
    publish_on = forms.DateField(label=_("Publish date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_pinned = forms.BooleanField(label=_("Pin to the top of the residents' home page"), required=False)
    activity = forms.ModelChoiceField(label=_("About the activity"), queryset=None, required=False)
    cover = forms.FileField(
        label=_("Cover picture"), required=False, help_text=_("A JPEG, PNG or WebP picture of up to 3 MB.")
    )

    def __init__(self, *args, town, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("unit_type", "name")
        today = timezone.localdate()
        self.fields["activity"].queryset = Activity.objects.filter(
            town=town, starts_at__date__gte=today - timedelta(days=90), starts_at__date__lte=today + timedelta(days=90)
        ).order_by("-starts_at")
        self.fields["cover"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"


def initial_from(item) -> dict:
    return {
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "unit": item.unit_id,
        "publish_on": item.publish_on,
        "is_pinned": item.is_pinned,
        "activity": item.activity_id,
    }
