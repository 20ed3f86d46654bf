"""Document uploads (issue 15, point 11): a configurable list of types, each checked by its
content, and a body past the size limit refused while it is read, not after."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from opmodel.errors import InvalidInput
from opmodel.uploads import UploadSizeLimit, UploadTooLarge
from processes.documents import document_check, document_types_check

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def office(*entries: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            archive.writestr(entry, "<x/>")
    return buffer.getvalue()


def opendocument(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(InvalidInput) as caught:
        document_check(upload(name, content))
    return caught.value.errors["file"][0]


@pytest.mark.parametrize(
    "name, content",
    [
        ("invoice.pdf", PDF),
        ("photo.PNG", PNG),
        ("photo.jpg", JPEG),
        ("photo.jpeg", JPEG),
        ("chart.gif", GIF),
        ("chart.webp", WEBP),
        ("offer.docx", office("[Content_Types].xml", "word/document.xml")),
        ("prices.xlsx", office("[Content_Types].xml", "xl/workbook.xml")),
        ("deck.pptx", office("[Content_Types].xml", "ppt/presentation.xml")),
        ("offer.odt", opendocument("application/vnd.oasis.opendocument.text")),
        ("prices.ods", opendocument("application/vnd.oasis.opendocument.spreadsheet")),
        ("notes.txt", "Délai de paiement : 30 jours\r\n".encode()),
        ("items.csv", "product;qty\nDrill;4\n".encode("cp1252")),
    ],
)
def test_accepted_types_pass(name, content):
    file = upload(name, content)

    document_check(file)

    assert file.read() == content  # read from the start again by whoever stores it


@pytest.mark.parametrize(
    "name, content",
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'),
        ("setup.exe", EXE),
        ("script.js", b"alert(1)"),
        ("README", b"no extension"),
    ],
)
def test_types_not_on_the_list_are_refused_by_name(name, content):
    message = refusal(name, content)

    assert "not accepted here" in message
    assert ".pdf" in message  # says what is accepted


@pytest.mark.parametrize(
    "name, content, found",
    [
        ("invoice.pdf", EXE, "application/x-msdownload"),
        ("invoice.pdf", b"<html><body>fake</body></html>", None),
        ("photo.png", JPEG, "image/jpeg"),
        ("offer.docx", office("hello.txt"), "application/zip"),
    ],
)
def test_content_must_match_the_name(name, content, found):
    message = refusal(name, content)

    assert "content is not" in message
    if found:
        assert found in message


@pytest.mark.parametrize("content", [EXE, PDF, "UTF-16 text".encode("utf-16")])
def test_text_must_be_text(content):
    assert "binary" in refusal("notes.txt", content)


def test_the_list_comes_from_the_settings(settings):
    settings.OPMODEL_DOCUMENT_TYPES = ["pdf"]

    document_check(upload("a.pdf", PDF))
    assert "Accepted: .pdf." in refusal("a.png", PNG)


def test_an_unknown_type_in_the_settings_fails_the_checks(settings):
    settings.OPMODEL_DOCUMENT_TYPES = ["pdf", "svg"]

    errors = document_types_check(None)

    assert [e.id for e in errors] == ["opmodel.E001"]
    assert "svg" in errors[0].msg


# Through the card page ---------------------------------------------------------------------------


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def card(make_card):
    return make_card(title="Drills for Acme")


def post_document(client, card, name: str, content: bytes):
    url = reverse("card-document-add", kwargs={"card_id": card.pk})
    return client.post(url, {"version": card.version, "file": upload(name, content)})


def test_an_html_page_is_refused_with_the_reason(as_alice, card, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    answer = post_document(as_alice, card, "offer.html", b"<html></html>")

    assert answer.status_code == 400
    assert ".html files are not accepted here" in answer.content.decode()
    assert not card.documents.exists()
    assert not card.events.filter(kind="document_added").exists()


def test_a_pdf_is_stored(as_alice, card, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    assert post_document(as_alice, card, "invoice.pdf", PDF).status_code == 302
    assert card.documents.count() == 1


def test_a_file_over_the_limit_is_413_with_the_reason(as_alice, card, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.OPMODEL_DOCUMENT_MAX_BYTES = 1000

    answer = post_document(as_alice, card, "invoice.pdf", PDF + b"0" * 5000)

    assert answer.status_code == 413
    assert "The file is larger than 1000 bytes" in answer.content.decode()
    assert not card.documents.exists()


# Reading stops at the limit --------------------------------------------------------------------


class CountingStream(io.BytesIO):
    """The request body, counting what the parser reads of it."""

    def __init__(self, body: bytes):
        super().__init__(body)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk


def parse(body: bytes, chunk_size: int = 64 * 1024):
    stream = CountingStream(body)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    limit = UploadSizeLimit()
    limit.chunk_size = chunk_size  # the parser reads in chunks of its handlers' smallest size
    return stream, MultiPartParser(meta, stream, [limit, MemoryFileUploadHandler()])


def big_body(size: int) -> bytes:
    return encode_multipart(BOUNDARY, {"file": upload("big.pdf", PDF + b"0" * size)})


def test_a_body_declared_too_large_is_not_read_at_all(settings):
    settings.OPMODEL_DOCUMENT_MAX_BYTES = 10_000
    stream, parser = parse(big_body(200_000))

    with pytest.raises(UploadTooLarge):
        parser.parse()

    assert stream.read_bytes == 0


def test_a_file_past_the_limit_stops_the_reading(settings):
    # Declared small enough to pass the first check (the form's room for other fields), the
    # file itself is seven times the limit: its bytes are counted as they come.
    settings.OPMODEL_DOCUMENT_MAX_BYTES = 10_000
    body = big_body(60_000)
    stream, parser = parse(body, chunk_size=4096)

    with pytest.raises(UploadTooLarge):
        parser.parse()

    assert stream.read_bytes < 20_000 < len(body)
