"""Uploads stop being read as soon as they pass OPMODEL_DOCUMENT_MAX_BYTES.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out: a 200 MB body would be read (to a
temporary file) before any view could refuse it. This handler, first in FILE_UPLOAD_HANDLERS,
refuses a body whose declared length is already too large before reading a byte, and otherwise
counts each file's bytes as they arrive and stops at the limit. The refusal is an exception that
opmodel.middleware.UploadLimit turns into a 413 answer with the reason.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

# Room for the form's other fields and the multipart boundaries around one file.
FORM_OVERHEAD_BYTES = 64 * 1024


class UploadTooLarge(RequestDataTooBig):
    """A SuspiciousOperation: without the middleware Django still answers 400, never 500."""


def upload_limit_message() -> str:
    limit = settings.OPMODEL_DOCUMENT_MAX_BYTES
    shown = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
    return f"The file is larger than {shown}, the largest document accepted. Upload a smaller one."


class UploadSizeLimit(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.OPMODEL_DOCUMENT_MAX_BYTES + FORM_OVERHEAD_BYTES:
            raise UploadTooLarge(upload_limit_message())
        return None  # let the parser read it, chunk by chunk, through receive_data_chunk

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.OPMODEL_DOCUMENT_MAX_BYTES:
            raise UploadTooLarge(upload_limit_message())
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file
