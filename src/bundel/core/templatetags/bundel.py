import re

from django import template

from bundel.core import layout

register = template.Library()

_ARTICLE = re.compile(r"^'S-", re.IGNORECASE)


@register.filter
def place(value: str) -> str:
    """DUO writes places in capitals: 'S-GRAVENHAGE -> 's-Gravenhage, NES AMELAND -> Nes Ameland."""
    if not value:
        return ""
    return _ARTICLE.sub("'s-", value.title())


@register.simple_tag(takes_context=True)
def header_tools(context):
    """The language switch and login/logout of the site header (bundel.core.layout)."""
    request = context.get("request")
    return layout.header_tools(request) if request is not None else ""


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The links of the site header for the user of the request (bundel.core.layout)."""
    request = context.get("request")
    return layout.main_nav(request) if request is not None else ""
