"""The forms of a page, read from its HTML: what a browser would send, field by field,
for the fuzzing of the pages (test_fuzz_pages.py)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# What a required input of a type is filled in with when the page leaves it empty.
FILLERS = {
    "date": "2030-01-01",
    "datetime-local": "2030-01-01T10:00",
    "email": "fuzz@example.org",
    "number": "1",
    "url": "https://example.org/",
    "password": "not-the-password",
}
BUTTON_TYPES = ("submit", "button", "image", "reset")


@dataclass
class FormField:
    name: str
    kind: str  # the input's type, "select", "textarea" or "button"
    options: list[str] = field(default_factory=list)  # the values the page offers
    chosen: list[str] = field(default_factory=list)  # what the page sends as it is
    required: bool = False

    @property
    def routes(self) -> bool:
        """A hidden field or a button: names the action or the row a post is for."""
        return self.kind in ("hidden", "button")

    def filled(self) -> list[str]:
        """What the page sends for the field, a required one filled in (a button: none,
        the form sends one of its buttons)."""
        if self.kind == "button":
            return []
        if any(self.chosen):
            return list(self.chosen)
        if self.kind == "select":  # a browser sends the first option
            offered = [option for option in self.options if option] if self.required else []
            return (offered or self.options)[:1]
        if self.kind in ("checkbox", "radio"):
            return self.options[:1] if self.required else []
        if self.required:
            return [FILLERS.get(self.kind, "Fuzz")]
        return list(self.chosen)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)
    needs_file: bool = False  # has a required file input

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(name, value) of each named button: a post sends the one clicked."""
        return [
            (one.name, value)
            for one in self.fields.values()
            if one.kind == "button"
            for value in one.options
        ]


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: FormField | None = None
        self.textarea: FormField | None = None
        self.option: list | None = None  # [value, selected, text]

    def _field(self, name: str, kind: str, attrs: dict) -> FormField:
        if name not in self.form.fields:
            self.form.fields[name] = FormField(name, kind, required="required" in attrs)
        return self.form.fields[name]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.form = Form((attrs.get("method") or "get").lower(), attrs.get("action") or "")
            self.forms.append(self.form)
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
        elif self.form is None or name is None:
            return
        elif tag == "input":
            self._input(name, (attrs.get("type") or "text").lower(), attrs)
        elif tag == "button":
            self._field(name, "button", attrs).options.append(attrs.get("value") or "")
        elif tag == "select":
            self.select = self._field(name, "select", attrs)
        elif tag == "textarea":
            self.textarea = self._field(name, "textarea", attrs)
            self.textarea.chosen = [""]

    def _input(self, name: str, kind: str, attrs: dict) -> None:
        value = attrs.get("value")
        if kind == "file":
            self.form.needs_file |= "required" in attrs
        elif kind in BUTTON_TYPES:
            self._field(name, "button", attrs).options.append(value or "")
        elif kind in ("checkbox", "radio"):
            one = self._field(name, kind, attrs)
            one.options.append(value if value is not None else "on")
            if "checked" in attrs:
                one.chosen.append(one.options[-1])
        else:
            one = self._field(name, kind, attrs)
            one.chosen = [value or ""]
            one.options = [value] if value else []

    def handle_data(self, data):
        if self.option is not None:
            self.option[2] += data
        elif self.textarea is not None:
            self.textarea.chosen = [self.textarea.chosen[0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option" and self.option is not None:
            value, selected, text = self.option
            value = text.strip() if value is None else value
            self.select.options.append(value)
            if selected:
                self.select.chosen.append(value)
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms
