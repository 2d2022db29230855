"""Transport helpers: connect-failure detection and a streaming multipart body."""

from __future__ import annotations

import io
import mimetypes
import os
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

CHUNK_SIZE = 64 * 1024


def is_connect_failure(exc: BaseException) -> bool:
    """True when the connection could not be established, i.e. nothing was sent.

    ``requests.ConnectTimeout``, or a ``requests.ConnectionError`` wrapping urllib3's
    ``NewConnectionError`` / ``ConnectTimeoutError`` or a ``ConnectionRefusedError``. A read
    timeout or a connection reset after the request went out is *not* a connect failure.
    """
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return False
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        cur = stack.pop()
        if not isinstance(cur, BaseException) or id(cur) in seen:
            continue
        seen.add(id(cur))
        if isinstance(cur, (NewConnectionError, ConnectTimeoutError, ConnectionRefusedError)):
            return True
        stack.extend(a for a in cur.args if isinstance(a, BaseException))
        stack.append(getattr(cur, "reason", None))
        stack.append(cur.__cause__)
        stack.append(cur.__context__)
    return False


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")


def _remaining_size(f: Any) -> int | None:
    """Bytes left to read from the current position, when it can be known without reading."""
    try:
        if isinstance(f, (bytes, bytearray)):
            return len(f)
        if hasattr(f, "seekable") and f.seekable():
            pos = f.tell()
            end = f.seek(0, io.SEEK_END)
            f.seek(pos)
            return end - pos
        if hasattr(f, "fileno"):
            st = os.fstat(f.fileno())
            pos = f.tell() if hasattr(f, "tell") else 0
            return st.st_size - pos
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None
    return None


def is_rewindable(f: Any) -> bool:
    try:
        return bool(f.seekable())
    except (AttributeError, OSError, ValueError):
        return False


class MultipartStream:
    """A ``multipart/form-data`` body produced chunk by chunk.

    Plain fields are small and kept as bytes; the file part is read ``CHUNK_SIZE`` bytes at a
    time while the body is being sent, so the file is never held whole in memory. When the
    file's size is known the object has ``__len__`` (requests then sends Content-Length);
    otherwise use :meth:`body` which returns a length-less iterator (sent chunked).

    Iterating again seeks a seekable file back to where it started, so a retry re-sends the
    same bytes.
    """

    def __init__(
        self,
        fields: Iterable[tuple[str, str]] = (),
        file: BinaryIO | None = None,
        filename: str | None = None,
        content_type: str | None = None,
        file_field: str = "file",
        boundary: str | None = None,
    ) -> None:
        self.boundary = boundary or uuid.uuid4().hex
        self._fields = [(str(k), str(v)) for k, v in fields]
        self._file = file
        self._start = None
        if file is not None and is_rewindable(file):
            self._start = file.tell()
        if file is not None:
            if filename is None:
                name = getattr(file, "name", None)
                filename = os.path.basename(name) if isinstance(name, str) and name else "upload"
            if content_type is None:
                content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        self.filename = filename
        self.file_content_type = content_type
        self._file_field = file_field
        self._file_size = _remaining_size(file) if file is not None else 0
        b = self.boundary.encode()
        self._prefix = b"".join(
            b"--"
            + b
            + b'\r\nContent-Disposition: form-data; name="'
            + _quote(k).encode("utf-8")
            + b'"\r\n\r\n'
            + v.encode("utf-8")
            + b"\r\n"
            for k, v in self._fields
        )
        if file is not None:
            self._prefix += (
                b"--"
                + b
                + b'\r\nContent-Disposition: form-data; name="'
                + _quote(file_field).encode("utf-8")
                + b'"; filename="'
                + _quote(filename).encode("utf-8")
                + b'"\r\nContent-Type: '
                + content_type.encode("latin-1", "replace")
                + b"\r\n\r\n"
            )
            self._suffix = b"\r\n--" + b + b"--\r\n"
        else:
            self._suffix = b"--" + b + b"--\r\n"

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def length(self) -> int | None:
        if self._file_size is None:
            return None
        return len(self._prefix) + self._file_size + len(self._suffix)

    @property
    def rewindable(self) -> bool:
        return self._file is None or self._start is not None

    def __iter__(self) -> Iterator[bytes]:
        if self._file is not None and self._start is not None:
            self._file.seek(self._start)
        yield self._prefix
        if self._file is not None:
            f = self._file
            if isinstance(f, (bytes, bytearray)):
                yield bytes(f)
            else:
                while True:
                    chunk = f.read(CHUNK_SIZE)
                    if not chunk:
                        break
                    if isinstance(chunk, str):
                        chunk = chunk.encode("utf-8")
                    yield chunk
        yield self._suffix

    def body(self) -> Iterable[bytes]:
        """What to hand to requests: a sized iterable when the length is known, else a generator."""
        if self.length is not None:
            return _SizedBody(self)
        return iter(self)


class _SizedBody:
    """Iterable with ``__len__`` so requests sets Content-Length instead of chunked encoding."""

    def __init__(self, stream: MultipartStream) -> None:
        self._stream = stream

    def __len__(self) -> int:
        return self._stream.length  # type: ignore[return-value]

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._stream)
