from django import template

from communityedu.core.images import size_of

register = template.Library()


@register.simple_tag
def picture_size(field_file):
    """``{% picture_size item.cover as size %}``: the width and height the picture is served at."""
    return size_of(field_file) if field_file else None
