"""Uploaded files people attach (evidence photos, a communication item's article or
script): checked by their content, not their name, capped in size, stored under
MEDIA_ROOT/<folder> with a random name (outside the web root), and served back only
through a view that has checked who is asking (`file_response`).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    content_type: str
    magics: tuple[bytes, ...]
    extensions: frozenset[str]
    # Shown in the browser (images, PDF) or only downloaded (Word).
    inline: bool = True

    def matches(self, head: bytes) -> bool:
        if not any(head.startswith(m) for m in self.magics):
            return False
        return self.content_type != "image/webp" or head[8:12] == b"WEBP"


IMAGES_AND_PDF = (
    FileKind("image/jpeg", (b"\xff\xd8\xff",), frozenset({".jpg", ".jpeg"})),
    FileKind("image/png", (b"\x89PNG\r\n\x1a\n",), frozenset({".png"})),
    FileKind("image/webp", (b"RIFF",), frozenset({".webp"})),
    FileKind("application/pdf", (b"%PDF-",), frozenset({".pdf"})),
)
WORD = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (b"PK\x03\x04",),  # a zip: only with the .docx name, and never shown inline
    frozenset({".docx"}),
    inline=False,
)


@dataclass(frozen=True)
class Checked:
    data: bytes
    kind: FileKind
    name: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(head: bytes, kinds: tuple[FileKind, ...]) -> FileKind | None:
    return next((kind for kind in kinds if kind.matches(head)), None)


def check(
    upload: UploadedFile, *, kinds: tuple[FileKind, ...], max_mb: int, described: str
) -> Checked:
    """The upload's bytes and kind, or a ValidationError in Vietnamese naming the file.
    `described` says what is accepted ("ảnh (JPEG, PNG, WebP) hay PDF")."""
    limit = max_mb * 1024 * 1024
    too_big = _("Tệp quá %(n)s MB.") % {"n": max_mb}
    if upload.size is None or upload.size > limit:
        raise ValidationError(too_big)
    data = upload.read()
    if len(data) > limit:
        raise ValidationError(too_big)
    name = (upload.name or "tep")[:255]
    extension = Path(name).suffix.lower()
    kind = sniff(data[:16], kinds)
    if kind is None or (not kind.inline and extension not in kind.extensions):
        raise ValidationError(_("Tệp “%(n)s” không phải %(d)s.") % {"n": name, "d": described})
    if extension not in kind.extensions:
        raise ValidationError(
            _("Tệp “%(n)s” có đuôi %(e)s nhưng nội dung là %(t)s; hãy kiểm tra lại tệp.")
            % {"n": name, "e": extension or _("(không có)"), "t": kind.content_type}
        )
    return Checked(data=data, kind=kind, name=name, extension=extension)


def folder(name: str) -> Path:
    path = Path(settings.MEDIA_ROOT) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(where: str, checked: Checked) -> str:
    """Write the file under a random name; returns that name."""
    stored = f"{uuid.uuid4().hex}{checked.extension}"
    (folder(where) / stored).write_bytes(checked.data)
    return stored


def remove(where: str, stored: str) -> None:
    if stored:
        (folder(where) / Path(stored).name).unlink(missing_ok=True)


def file_response(where: str, stored: str, *, content_type: str, name: str) -> FileResponse:
    """The stored file, as its own type; images and PDF open in the browser under a
    CSP that runs nothing, anything else is a download."""
    inline = any(k.content_type == content_type and k.inline for k in IMAGES_AND_PDF)
    response = FileResponse(
        (folder(where) / Path(stored).name).open("rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=name,
    )
    if inline:
        response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    return response
