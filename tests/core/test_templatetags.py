import pytest

from bundel.core.templatetags.bundel import place


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("'S-GRAVENHAGE", "'s-Gravenhage"), ("NES AMELAND", "Nes Ameland"), ("", "")],
)
def test_place_names_are_shown_as_written_in_dutch(raw, shown):
    assert place(raw) == shown
