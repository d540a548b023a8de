import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the last day of that month when it has no such day
    (2024-08-31 + 6 months = 2025-02-28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
