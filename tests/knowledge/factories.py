"""Knowledge base test data: categories as stored, documents through the services, and
small real files of every accepted kind made in memory."""

import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from bundel.knowledge import services
from bundel.knowledge.constants import Visibility
from bundel.knowledge.models import Category


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name_nl = factory.LazyAttribute(lambda o: f"Categorie {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Category {o.code}")


def make_document(staff, **values):
    """A document made by `staff` through the service; a members-only article unless
    told otherwise."""
    values.setdefault("title", "Wifi-richtlijnen voor schoolgebouwen")
    values.setdefault("category", CategoryFactory(code="ict", name_nl="ICT-kennis"))
    values.setdefault("visibility", Visibility.MEMBERS)
    if "upload" not in values:
        values.setdefault("body", "Eén access point per lokaal met dertig leerlingen.")
    return services.document_create(by=staff, **values)


def stored_files(media) -> list:
    """The files under MEDIA_ROOT."""
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(*lines: str) -> bytes:
    """A one-page PDF whose text is `lines` (Helvetica, WinAnsi: Dutch accents work)."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
        f"({_pdf_string(line)}) Tj T*" for line in lines
    )
    stream_bytes = stream.encode("cp1252") + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream_bytes) + stream_bytes + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, text, compress_type=compression)
    return out.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types '
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "word/document.xml": f'<?xml version="1.0"?><w:document xmlns:w="{W}">'
            f"<w:body>{body}</w:body></w:document>",
        }
    )


def odt_bytes(*paragraphs: str) -> bytes:
    ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": f'<?xml version="1.0"?><office:document-content '
            f'xmlns:office="{office}" xmlns:text="{ns}"><office:body><office:text>{body}'
            "</office:text></office:body></office:document-content>",
        }
    )


def xlsx_bytes(*rows: tuple) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def image_bytes(kind: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (11, 92, 173)).save(out, format=kind)
    return out.getvalue()
