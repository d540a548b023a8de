"""Excerpts of the real DUO files, cut from the shipped copies at test time."""

from pathlib import Path

from django.conf import settings

DUO_DIR = Path(settings.BASE_DIR) / "data" / "duo"
BO_ADDRESSES = "alle-vestigingen-bo.csv"
VO_ADDRESSES = "alle-vestigingen-vo.csv"
PO_PUPILS = "gemiddelde-afstand-tussen-woonadres-leerling-en-schoolvestiging-2019-2020.csv"
VO_BY_TYPE = "leerlingen-vo-per-vestiging-naar-onderwijstype-2019.csv"
VO_2025 = "leerlingen-vo-per-vestiging-2025.csv"


def lines_of(name: str) -> list[bytes]:
    return (DUO_DIR / name).read_bytes().splitlines(keepends=True)


def excerpt(tmp_path: Path, name: str, rows: int, *, start: int = 1, out: str = "") -> Path:
    """The header and `rows` data lines (from data line `start`) of a shipped file."""
    lines = lines_of(name)
    path = tmp_path / (out or name)
    path.write_bytes(b"".join([lines[0], *lines[start : start + rows]]))
    return path


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path
