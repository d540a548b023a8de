"""CSV/XLSX exports."""


def test_text_that_looks_like_a_formula_stays_text():
    from bundel.core.exports import _cell

    assert _cell('=HYPERLINK("http://x","klik")') == '\'=HYPERLINK("http://x","klik")'
    assert [_cell(v) for v in ("+31 6", "-5", "@SUM(A1)", "Stichting =X", 5)] == [
        "'+31 6",
        "'-5",
        "'@SUM(A1)",
        "Stichting =X",
        5,
    ]
