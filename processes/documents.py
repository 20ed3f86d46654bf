"""Which documents a card accepts: a configurable list of types, each checked by its content.

OPMODEL_DOCUMENT_TYPES lists the accepted file extensions (PDF, images, office documents and
plain text by default). A name is not enough: the first bytes must be what the extension says
(magic numbers, read by the `filetype` library), so a page or a program renamed `.pdf` is
refused. Types a browser would run or render from our origin (.html, .svg, .js, ...) are never
on the list. The size limit is enforced earlier, while the upload is read (opmodel/uploads.py).
"""

import filetype
from django.conf import settings
from django.core import checks

from opmodel.errors import InvalidInput

TEXT = "text"  # no magic number: checked as text instead
HEAD_BYTES = 8192  # filetype needs at most this many bytes

# extension -> (the MIME type its content must show, a label people know)
DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "png": ("image/png", "PNG image"),
    "jpg": ("image/jpeg", "JPEG image"),
    "jpeg": ("image/jpeg", "JPEG image"),
    "gif": ("image/gif", "GIF image"),
    "webp": ("image/webp", "WebP image"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel sheet"),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint presentation",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet"),
    "txt": (TEXT, "plain text"),
    "csv": (TEXT, "CSV"),
}
# Bytes plain text never holds (control characters other than tab, new line, form feed, return):
# UTF-16, executables and most binary formats have them in their first kilobytes.
_NOT_TEXT = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"


def accepted_extensions() -> list[str]:
    return [ext.lower().lstrip(".") for ext in settings.OPMODEL_DOCUMENT_TYPES]


def document_check(uploaded_file) -> None:
    """Refuse a file whose type is not accepted, or whose content is not what its name says."""
    name = uploaded_file.name or ""
    extension = name.rsplit(".", 1)[1].lower() if "." in name else ""
    accepted = accepted_extensions()
    if extension not in accepted:
        shown = f".{extension} files" if extension else "Files without an extension"
        raise InvalidInput(
            {
                "file": [
                    f"{shown} are not accepted here. "
                    f"Accepted: {', '.join('.' + e for e in accepted)}."
                ]
            }
        )
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    expected, label = DOCUMENT_KINDS[extension]
    if expected == TEXT:
        found = filetype.guess_mime(head)
        if found is not None or any(byte in _NOT_TEXT for byte in head):
            raise InvalidInput({"file": [f"This file is not {label}: its content is binary."]})
        return
    found = filetype.guess_mime(head)
    if found != expected:
        raise InvalidInput(
            {
                "file": [
                    f"This file is named .{extension} but its content is not a {label}"
                    + (f" (it looks like {found})." if found else ".")
                ]
            }
        )


@checks.register(checks.Tags.security)
def document_types_check(app_configs, **kwargs):
    unknown = sorted(set(accepted_extensions()) - set(DOCUMENT_KINDS))
    if not unknown:
        return []
    return [
        checks.Error(
            f"OPMODEL_DOCUMENT_TYPES names types this app cannot check: {', '.join(unknown)}.",
            hint=f"Choose among: {', '.join(DOCUMENT_KINDS)}.",
            id="opmodel.E001",
        )
    ]
