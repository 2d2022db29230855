"""Multipart file upload: streamed, byte-exact, and retried only when safe."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from crmui.taskip import TaskipClient
from crmui.taskip import errors as e
from crmui.taskip._http import MultipartStream

from .conftest import BASE


def refused():
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/", reason=NewConnectionError(None, "refused")))


def expected_body(boundary, content=b"hello", filename="a.txt", ctype="text/plain", ids=()):
    parts = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="ids[]"\r\n\r\n{i}\r\n'.encode() for i in ids
    )
    return parts + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {ctype}\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _boundary(request):
    return request.headers["Content-Type"].split("boundary=")[1]


def test_upload_streams_an_iterable_body_not_bytes(client, rsps):
    rsps.add("POST", BASE + "/lead/files/1", json={"msg": "Files Added Successfully"})
    assert client.files.upload(1, file=io.BytesIO(b"hello"), filename="a.txt") == "Files Added Successfully"
    req = rsps.calls[0].request
    assert not isinstance(req.body, (bytes, bytearray, str))
    assert hasattr(req.body, "__iter__")
    assert req.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    body = b"".join(req.body)
    assert body == expected_body(_boundary(req))
    assert req.headers["Content-Length"] == str(len(body))
    assert "Transfer-Encoding" not in req.headers


def test_upload_reads_the_file_in_chunks_only_while_sending(monkeypatch):
    import crmui.taskip._http as h

    monkeypatch.setattr(h, "CHUNK_SIZE", 4)
    reads = []

    class Spy(io.BytesIO):
        def read(self, n=-1):
            reads.append(n)
            return super().read(n)

    stream = MultipartStream([], Spy(b"0123456789"), filename="f.bin")
    assert reads == []  # building the body reads nothing
    chunks = list(stream)
    assert all(n == 4 for n in reads)
    assert b"".join(chunks).count(b"0123456789") == 1


def test_upload_with_ids_and_default_content_type(client, rsps):
    rsps.add("POST", BASE + "/lead/files/1", json={"msg": "Files Added Successfully"})
    f = io.BytesIO(b"%PDF-1.4")
    f.name = "/tmp/dir/proposal.pdf"
    client.files.upload(1, file=f, ids=[7, 8])
    req = rsps.calls[0].request
    assert b"".join(req.body) == expected_body(
        _boundary(req), b"%PDF-1.4", "proposal.pdf", "application/pdf", ids=(7, 8)
    )


def test_upload_of_ids_only(client, rsps):
    rsps.add("POST", BASE + "/lead/files/1", json={"msg": "Files Added Successfully"})
    client.files.upload(1, ids=[3])
    req = rsps.calls[0].request
    b = _boundary(req)
    assert (
        b"".join(req.body)
        == (f'--{b}\r\nContent-Disposition: form-data; name="ids[]"\r\n\r\n3\r\n--{b}--\r\n').encode()
    )


def test_upload_needs_a_file_or_ids(client):
    with pytest.raises(ValueError):
        client.files.upload(1)


def test_filename_quotes_and_newlines_cannot_break_the_header():
    s = MultipartStream([], io.BytesIO(b"x"), filename='a"b\r\nX-Evil: 1.txt', content_type="text/plain")
    head = b"".join(s).split(b"\r\n\r\n")[0]
    assert b'filename="a%22bX-Evil: 1.txt"' in head


def test_seekable_upload_is_retried_on_refused_connection_and_resends_the_same_bytes(client, rsps):
    rsps.add("POST", BASE + "/lead/files/1", body=refused())
    rsps.add("POST", BASE + "/lead/files/1", json={"msg": "Files Added Successfully"})
    f = io.BytesIO(b"hello")
    client.files.upload(1, file=f, filename="a.txt")
    assert len(rsps.calls) == 2
    req = rsps.calls[1].request
    assert b"".join(req.body) == expected_body(_boundary(req))


@pytest.mark.parametrize("status", [500, 502, 503])
def test_upload_is_not_retried_on_server_errors(client, rsps, status):
    rsps.add("POST", BASE + "/lead/files/1", status=status)
    with pytest.raises(e.ServerError):
        client.files.upload(1, file=io.BytesIO(b"x"), filename="a.txt")
    assert len(rsps.calls) == 1


def test_upload_is_retried_on_429(client, rsps, sleeps):
    rsps.add("POST", BASE + "/lead/files/1", status=429, headers={"Retry-After": "1"})
    rsps.add("POST", BASE + "/lead/files/1", json={"msg": "Files Added Successfully"})
    client.files.upload(1, file=io.BytesIO(b"x"), filename="a.txt")
    assert sleeps == [1.0] and len(rsps.calls) == 2


class _OneWay(io.RawIOBase):
    """A non-seekable stream (like a pipe or a request body being relayed)."""

    def __init__(self, data):
        self._buf = io.BytesIO(data)

    def readable(self):
        return True

    def read(self, n=-1):
        return self._buf.read(n)


def test_non_seekable_upload_is_never_retried_and_is_sent_chunked(client, rsps, sleeps):
    rsps.add("POST", BASE + "/lead/files/1", body=refused())
    with pytest.raises(e.TaskipConnectionError):
        client.files.upload(1, file=_OneWay(b"abc"), filename="a.bin")
    assert len(rsps.calls) == 1 and sleeps == []
    req = rsps.calls[0].request
    assert "Content-Length" not in req.headers
    assert req.headers.get("Transfer-Encoding") == "chunked"


def test_upload_over_a_real_socket_sends_content_length_and_exact_bytes():
    seen = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers["Content-Length"])
            seen["headers"] = dict(self.headers)
            seen["body"] = self.rfile.read(n)
            out = b'{"msg": "Files Added Successfully"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *a):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=server.handle_request, daemon=True)
    t.start()
    try:
        c = TaskipClient(f"http://127.0.0.1:{server.server_port}/api/public-v1", "k", timeout=(2, 5))
        content = b"\x00\x01binary\xff" * 20000  # > several chunks
        assert c.files.upload(1, file=io.BytesIO(content), filename="b.bin") == "Files Added Successfully"
        t.join(5)
    finally:
        server.server_close()
    boundary = seen["headers"]["Content-Type"].split("boundary=")[1]
    assert "Transfer-Encoding" not in seen["headers"]
    assert seen["body"] == expected_body(boundary, content, "b.bin", "application/octet-stream")
