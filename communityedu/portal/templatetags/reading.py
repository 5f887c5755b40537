from django import template

from communityedu.portal.reading import preferences_from_cookies

register = template.Library()


@register.simple_tag(takes_context=True)
def reading_preferences(context):
    """``{% reading_preferences as reading %}``: the page's reading mode and text size."""
    request = context.get("request")
    return preferences_from_cookies(request.COOKIES if request is not None else {})
