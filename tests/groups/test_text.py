"""Plain text in, escaped HTML out, with only http(s) addresses as links."""

import pytest

from bundel.groups.text import clean_text, linkify, plain_text_html


def test_html_is_shown_as_text_not_run():
    html = str(plain_text_html('<script>alert("x")</script> <b onclick=x>vet</b>'))

    assert "<script>" not in html and "<b" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b onclick=x&gt;vet&lt;/b&gt;" in html


def test_http_and_https_addresses_become_links():
    html = str(linkify("Zie https://www.kennisnet.nl/wifi?a=1&b=2 en http://x.test."))

    assert html == (
        'Zie <a href="https://www.kennisnet.nl/wifi?a=1&amp;b=2" '
        'rel="nofollow noopener noreferrer ugc">https://www.kennisnet.nl/wifi?a=1&amp;b=2</a> '
        'en <a href="http://x.test" rel="nofollow noopener noreferrer ugc">http://x.test</a>.'
    )


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "www.example.test",
        "mail me: iemand@example.test",
        "ftp://example.test/file",
        "https:// no host",
    ],
)
def test_other_schemes_and_bare_domains_stay_text(text):
    assert "<a " not in str(linkify(text))


def test_a_quote_ends_the_address_so_no_attribute_can_be_injected():
    html = str(linkify('https://x.test/"onmouseover="alert(1)'))

    assert html.startswith('<a href="https://x.test/" rel=')
    assert "&quot;onmouseover=&quot;alert(1)" in html
    assert 'onmouseover="' not in html


@pytest.mark.parametrize(
    "text, url, after",
    [
        ("(zie https://x.test/a)", "https://x.test/a", ")"),
        (
            "https://nl.wikipedia.org/wiki/Wifi_(netwerk).",
            "https://nl.wikipedia.org/wiki/Wifi_(netwerk)",
            ".",
        ),
        ("https://x.test/a, en", "https://x.test/a", ", en"),
        ("https://x.test/a?!", "https://x.test/a", "?!"),
    ],
)
def test_punctuation_after_an_address_is_not_part_of_it(text, url, after):
    html = str(linkify(text))

    assert f'<a href="{url}" rel="nofollow noopener noreferrer ugc">{url}</a>' in html
    assert html.split("</a>", 1)[1] == after


def test_paragraphs_and_line_breaks_are_kept():
    html = str(plain_text_html("Regel een\nregel twee\n\n\nNieuwe alinea"))

    assert html == "<p>Regel een<br>regel twee</p>\n<p>Nieuwe alinea</p>"


def test_clean_text_normalises_newlines_and_drops_control_characters():
    assert (
        clean_text("  \r\nHallo\x00 wereld  \r\n\tmet tab\x07\r\n\n ") == "Hallo wereld\n\tmet tab"
    )
    assert clean_text(" \n\t ") == ""
