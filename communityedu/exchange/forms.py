from django import forms
from django.utils.translation import gettext_lazy as _

from communityedu.exchange.constants import MAX_BODY_LENGTH, PostKind, ReviewPolicy


class PostForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(PostKind.QUESTION, _("Ask a question")), (PostKind.COMMENT, _("Leave a comment"))],
        initial=PostKind.QUESTION,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(label=_("Your words"), max_length=MAX_BODY_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class PolicyForm(forms.Form):
    review_policy = forms.ChoiceField(label=_("Review policy"), choices=ReviewPolicy.choices, widget=forms.RadioSelect)
    report_threshold = forms.IntegerField(
        label=_("Reports that send a post back to review"), min_value=1, max_value=100
    )
    banned_words = forms.CharField(
        label=_("Banned words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One word or phrase per line. A post containing one waits for review."),
    )
