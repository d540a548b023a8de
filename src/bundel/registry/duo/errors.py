from django.utils.translation import gettext as _


class DuoImportError(Exception):
    """A file that cannot be imported, with where and why.

    The message names the file, and where known the line, the column and the bad value.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ):
        self.reason = message
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        super().__init__(self.describe())

    def describe(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(_("line %(line)s") % {"line": self.line})
        if self.column is not None:
            where.append(_("column %(column)s") % {"column": self.column})
        text = ", ".join(where) + ": " + self.reason
        if self.value is not None:
            text += " " + _("(value: %(value)r)") % {"value": self.value}
        return text
