from django import template
from django.template.defaultfilters import stringfilter
from django.utils.safestring import SafeString

from ..text import plain_text_html

register = template.Library()


@register.filter
@stringfilter
def plain_text(value: str) -> SafeString:
    """Members' plain text as HTML: escaped, paragraphs and line breaks kept, http(s)
    addresses as links."""
    return plain_text_html(value)
