from django import forms
from django.utils.translation import gettext_lazy as _

from communityedu.core.parsing import VisibleNamesFormMixin
from communityedu.learning.constants import ResourceKind
from communityedu.learning.models import Category
from communityedu.learning.uploads import max_upload_bytes
from communityedu.organization.models import Unit


class ResourceForm(VisibleNamesFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("title"), max_length=120)
    summary = forms.CharField(
        label=_("summary"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The article's text; paragraphs separated by blank lines."),
    )
    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.none())
    tags = forms.CharField(label=_("tags"), max_length=200, required=False, help_text=_("Separated by commas."))
    audience = forms.CharField(label=_("audience"), max_length=120, required=False)
    owner_unit = forms.ModelChoiceField(label=_("owner unit"), queryset=Unit.objects.none())
    media_file = forms.FileField(label=_("file"), required=False)
    captions_file = forms.FileField(
        label=_("captions"),
        required=False,
        help_text=_("For a video or a recording: a WebVTT (.vtt) or SubRip (.srt) file, UTF-8 or GBK; at most 512 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,.srt,text/vtt"}),
    )
    duration_seconds = forms.IntegerField(label=_("length in seconds"), required=False, min_value=1)
    link_url = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    def __init__(self, *args, categories, owner_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["owner_unit"].queryset = owner_units
        self.fields["media_file"].help_text = _(
            "A WebM or MP4 video, an Ogg, MP3, M4A or WAV recording, or a PDF; at most %(megabytes)s MB."
        ) % {"megabytes": max_upload_bytes() // (1024 * 1024)}
        self.fields["media_file"].widget.attrs["accept"] = "video/webm,video/mp4,audio/*,application/pdf"

    def values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in data if name not in ("media_file", "captions_file")} | {
            "summary": data.get("summary") or "",
            "body": data.get("body") or "",
        }


class ProgressForm(forms.Form):
    position = forms.IntegerField(required=False, min_value=0)
    percent = forms.IntegerField(required=False, min_value=0, max_value=100)
    elapsed = forms.IntegerField(required=False, min_value=0)
    complete = forms.BooleanField(required=False)
