"""What the API's serializers that write their rows straight (`to_representation` of the
subscriptions and memberships) share with DRF's own fields."""


def iso_date(value) -> str | None:
    """A date as DRF's DateField writes it by default (ISO 8601); None for none."""
    return value.isoformat() if value else None
