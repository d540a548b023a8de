import re

from django import template

register = template.Library()

_ARTICLE = re.compile(r"^'S-", re.IGNORECASE)


@register.filter
def place(value: str) -> str:
    """DUO writes places in capitals: 'S-GRAVENHAGE -> 's-Gravenhage, NES AMELAND -> Nes Ameland."""
    if not value:
        return ""
    return _ARTICLE.sub("'s-", value.title())
