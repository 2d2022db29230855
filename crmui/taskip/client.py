"""The TaskIP public API client (pure Python, no Django)."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, Generic, TypeVar

import requests
from requests.adapters import HTTPAdapter

from . import errors as e
from ._http import MultipartStream, is_connect_failure
from .resources import (
    Attribute,
    CallInfo,
    Company,
    Contact,
    Lead,
    LeadFile,
    Note,
    Page,
    RateLimit,
    TeamMember,
    _int,
)

logger = logging.getLogger("crmui.taskip")

T = TypeVar("T")

RETRYABLE_READ_STATUSES = frozenset({429, 502, 503, 504})
DEFAULT_PER_PAGE = {"leads": 10, "files": 10, "attributes": 10, "contacts": 50, "team": 50, "companies": 50}
_MAX_PAGES = 10_000  # hard stop for iter_all against a misbehaving server
# An every-item answer (item=0) this big is turned into records one item at a time as it is
# decoded, never held as Python dicts all at once (50,000 leads: about 200 MB), and its records
# sent exactly as last time are not parsed again: every such answer (tests lower and raise it).
STREAM_PARSE_BYTES = 0
_DATA_ARRAY = re.compile(r'"data"\s*:\s*\[')
_SPACE = re.compile(r"\s*")
# An item whose text opens with its id (as Laravel's resources write it): where the same id's
# text ended last time is where to look for this one's end.
_ITEM_ID = re.compile(r'\{\s*"id"\s*:\s*(\d+)\s*[,}]')


@dataclass(frozen=True)
class _Walked(Generic[T]):
    """What an every-item answer held, for reusing its records in the next: each record by the
    digest of its exact text, and for a record whose text opens with its id, that text's length
    and digest by the id."""

    by_digest: dict[bytes, T]
    by_id: dict[str, tuple[int, bytes]]


class _SecretStr(str):
    """The key as sent in the header; its repr never shows it (debug pages, pprint of headers)."""

    def __repr__(self) -> str:
        return "'***'"


def _json_default(o: Any) -> Any:
    if isinstance(o, Decimal):
        return int(o) if o == o.to_integral_value() and o.as_tuple().exponent >= 0 else float(o)
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _path_id(value: Any, what: str = "id") -> int:
    """IDs go into URL paths: accept only positive integers (no path injection)."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a positive integer")
    try:
        i = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a positive integer") from None
    if i <= 0:
        raise ValueError(f"{what} must be a positive integer")
    return i


def _q(value: Any) -> Any:
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10] if not isinstance(value, datetime) else value.date().isoformat()
    return value


def _query(**params: Any) -> dict[str, Any]:
    return {k: _q(v) for k, v in params.items() if v is not None}


def _omit_none(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class TaskipClient:
    """Client for ``/api/public-v1``. Thread-safe enough to share one per process."""

    def __init__(
        self,
        base_url: str,
        secret_key: str,
        *,
        timeout: tuple[float, float] = (3.05, 15.0),
        max_retries: int = 2,
        backoff: float = 0.5,
        max_wait: float = 10.0,
        on_call: Callable[[CallInfo], None] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        base_url = (base_url or "").strip().rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http(s) URL")
        if isinstance(timeout, (int, float)):
            timeout = (float(timeout), float(timeout))
        self.base_url = base_url
        self._secret = _SecretStr(secret_key or "")
        self.timeout: tuple[float, float] = tuple(timeout)  # type: ignore[assignment]
        self.max_retries = max(0, int(max_retries))
        self.backoff = float(backoff)
        self.max_wait = float(max_wait)
        self.on_call = on_call
        self.rate_limit: RateLimit | None = None
        self._sleep: Callable[[float], None] = time.sleep
        # Called before every attempt is sent (method, path); may raise to send nothing.
        self.before_send: Callable[[str, str], None] | None = None
        self._now: Callable[[], float] = time.time
        # the objects of the last every-item answer of each kind, by a digest of each record's text
        self._every_item_before: dict[Callable[[Any], Any], _Walked] = {}
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=20, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        session.headers["X-Secret-Key"] = self._secret
        session.headers["Accept"] = "application/json"
        self._session = session

        self.leads = Leads(self)
        self.notes = Notes(self)
        self.files = Files(self)
        self.attributes = Attributes(self)
        self.contacts = Contacts(self)
        self.team_members = TeamMembers(self)
        self.companies = Companies(self)

    def __repr__(self) -> str:
        return f"TaskipClient(base_url={self.base_url!r}, secret_key='***')"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> TaskipClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ core
    def _report(
        self, method: str, path: str, status: int | None, elapsed_ms: float, attempt: int, error: str | None
    ) -> None:
        level = logging.INFO if status is not None and status < 400 else logging.WARNING
        logger.log(
            level,
            "taskip %s %s status=%s ms=%.1f attempt=%d%s",
            method,
            path,
            status if status is not None else "-",
            elapsed_ms,
            attempt,
            f" error={error}" if error else "",
        )
        if self.on_call is not None:
            try:
                self.on_call(CallInfo(method, path, status, round(elapsed_ms, 3), attempt, error))
            except Exception:  # a broken counter must never break a call
                logger.exception("taskip on_call callback failed")

    def _backoff_delay(self, attempt: int) -> float:
        delay = min(self.max_wait, self.backoff * (2 ** (attempt - 1)))
        return delay / 2 + random.uniform(0, delay / 2)

    def _transport_error(self, exc: requests.exceptions.RequestException) -> e.TaskipError:
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return e.TaskipTimeout("TaskIP could not be reached in time (connect timeout).", may_have_reached=False)
        if isinstance(exc, requests.exceptions.Timeout):
            return e.TaskipTimeout("TaskIP did not answer in time (read timeout).")
        if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
            return e.MalformedResponse("TaskIP's response was cut short or could not be decoded.")
        if isinstance(exc, requests.exceptions.ConnectionError):
            if is_connect_failure(exc):
                return e.TaskipConnectionError("Could not connect to TaskIP.", may_have_reached=False)
            return e.TaskipConnectionError("The connection to TaskIP was lost.")
        return e.TaskipConnectionError(f"The request to TaskIP failed ({type(exc).__name__}).")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        body: Any = None,
        content_type: str | None = None,
        retry_writes: bool = True,
        parse_body: Callable[[requests.Response], Any] | None = None,
    ) -> Any:
        """Send one logical request (with retries) and return the parsed JSON object (or what
        ``parse_body`` makes of a 2xx answer).

        ``body`` may be a callable returning a fresh body for each attempt (used by uploads).
        """
        method = method.upper()
        url = self.base_url + path
        is_read = method in ("GET", "HEAD", "OPTIONS")
        headers: dict[str, str] = {}
        data: Any = None
        if json_body is not None:
            data = json.dumps(json_body, default=_json_default).encode("utf-8")
            headers["Content-Type"] = "application/json"
        elif content_type:
            headers["Content-Type"] = content_type
        attempt = 0
        while True:
            attempt += 1
            can_retry = attempt <= self.max_retries
            if self.before_send is not None:
                self.before_send(method, path)
            send_data = body() if callable(body) else (body if body is not None else data)
            started = time.monotonic()
            try:
                resp = self._session.request(
                    method,
                    url,
                    params=params,
                    data=send_data,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except requests.exceptions.RequestException as exc:
                elapsed = (time.monotonic() - started) * 1000
                self._report(method, path, None, elapsed, attempt, type(exc).__name__)
                err = self._transport_error(exc)
                if can_retry and not isinstance(err, e.MalformedResponse):
                    if is_read or (retry_writes and is_connect_failure(exc)):
                        self._sleep(self._backoff_delay(attempt))
                        continue
                raise err from None
            elapsed = (time.monotonic() - started) * 1000
            rl = RateLimit.from_headers(resp.headers)
            if rl is not None:
                self.rate_limit = rl
            self._report(method, path, resp.status_code, elapsed, attempt, None)

            if 200 <= resp.status_code < 300:
                return parse_body(resp) if parse_body is not None else self._parse(resp)
            if 300 <= resp.status_code < 400:
                # Never follow redirects: requests would forward X-Secret-Key to another host.
                raise e.TaskipAPIError(
                    resp.status_code, f"TaskIP answered with an unexpected redirect ({resp.status_code})."
                )
            err = e.error_from_response(resp, redact=str(self._secret) or None, now=self._now())
            if isinstance(err, e.RateLimited):
                if err.retry_after is not None and err.retry_after > self.max_wait:
                    raise err
                if can_retry and (is_read or retry_writes):
                    wait = err.retry_after if err.retry_after is not None else self._backoff_delay(attempt)
                    self._sleep(wait)
                    continue
                raise err
            if is_read and can_retry and resp.status_code in RETRYABLE_READ_STATUSES:
                self._sleep(self._backoff_delay(attempt))
                continue
            raise err

    @staticmethod
    def _parse(resp: requests.Response) -> dict:
        if resp.status_code == 204 or not resp.content:
            if resp.status_code == 204:
                return {}
            raise e.MalformedResponse("TaskIP sent an empty response.", status=resp.status_code)
        try:
            body = json.loads(resp.content)
        except (ValueError, UnicodeDecodeError):
            raise e.MalformedResponse(
                "TaskIP sent a response that is not valid JSON.", status=resp.status_code
            ) from None
        if not isinstance(body, dict):
            raise e.MalformedResponse("TaskIP sent JSON of an unexpected shape.", status=resp.status_code)
        return body

    # ------------------------------------------------------------------ envelope helpers
    @staticmethod
    def _data_dict(body: dict) -> dict:
        data = body.get("data")
        if not isinstance(data, dict):
            raise e.MalformedResponse("TaskIP's response has no 'data' object.")
        return data

    @staticmethod
    def _data_list(body: dict) -> list:
        data = body.get("data")
        if data is None and "data" in body:  # an empty list sent as null
            return []
        if not isinstance(data, list):
            raise e.MalformedResponse("TaskIP's response has no 'data' list.")
        return data

    @staticmethod
    def _message(body: dict) -> str:
        for key in ("msg", "message"):
            if isinstance(body.get(key), str):
                return body[key]
        return ""

    def _page(
        self,
        body: dict,
        parse: Callable[[Any], T],
        query: dict,
        page: int | None,
        per_page: int | None,
        items: tuple[T, ...] | None = None,
    ) -> Page[T]:
        """The Page of an answer; ``items``: its records already parsed (the body's data then
        holds none of them, see ``_every_item``)."""
        raw = self._data_list(body)
        if items is None:
            items = tuple(parse(x) for x in raw if isinstance(x, dict))
        meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
        links = body.get("links")
        current = _int(meta.get("current_page")) or page or 1  # numbers may come as strings
        meta_pp = _int(meta.get("per_page"))
        if per_page == 0:  # item=0: everything in one answer
            has_next = False
        elif isinstance(links, dict):
            has_next = bool(links.get("next"))
        else:
            size = per_page if per_page is not None else meta_pp
            has_next = bool(size) and len(raw) >= size  # type: ignore[operator]
        return Page(
            items=items,
            page=current,
            per_page=meta_pp if meta_pp is not None else per_page,
            has_next=has_next,
            query=dict(query),
        )

    def _every_item(self, resp: requests.Response, parse: Callable[[Any], T], query: dict) -> Page[T]:
        """An ``item=0`` answer (every record in one page) as a Page. It is decoded one record at
        a time (``_streamed``), so a big one never exists as Python dicts all at once, and a
        record sent exactly as this client's last every-item answer of the same kind sent it is
        not parsed again: the object made of it then is reused. Refreshing every lead then costs
        the parsing of what changed, and the new copy shares its unchanged leads with the one
        before it. Exactly as strict as the plain parse: anything it cannot walk is parsed the
        plain way."""
        before = self._every_item_before.get(parse)
        streamed = self._streamed(resp, parse, before) if len(resp.content or b"") >= STREAM_PARSE_BYTES else None
        if streamed is None:
            return self._page(self._parse(resp), parse, query, None, 0)
        envelope, items, walked = streamed
        self._every_item_before[parse] = walked  # only what this answer holds: one copy's worth
        return self._page(envelope, parse, query, None, 0, items=items)

    @staticmethod
    def _streamed(
        resp: requests.Response, parse: Callable[[Any], T], before: _Walked[T] | None = None
    ) -> tuple[dict, tuple[T, ...], _Walked[T]] | None:
        """(the envelope without its items, the parsed items, what they were made of), or None
        when the answer is not an object with a ``data`` list this walk can find (the plain
        parse then decides). An item whose text has the digest of one in ``before`` is that
        object (the 128-bit digest of the text it was made of: equal text, equal record).

        An item that opens with an id ``before`` knew is not even decoded when the text as long
        as that id's last time has that text's digest: equal text is a whole JSON object that
        ends exactly there (JSON is read left to right, so the same text from the same start is
        read the same way), so the walk goes on after it as decoding would have. Raises
        MalformedResponse for a garbled item list or envelope."""
        try:
            text = resp.content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        start = _DATA_ARRAY.search(text)
        if start is None:
            return None
        try:  # the "data" found must be a key of the top-level object, not of one nested before it
            json.loads(text[: start.start()] + '"data": []}')
        except ValueError:
            return None
        decoder = json.JSONDecoder()
        known = before.by_digest if before is not None else {}
        spans = before.by_id if before is not None else {}
        items: list[T] = []
        made: dict[bytes, T] = {}
        by_id: dict[str, tuple[int, bytes]] = {}
        blake2b = hashlib.blake2b
        at = _SPACE.match(text, start.end()).end()
        try:
            if text[at] != "]":
                while True:
                    begin = at
                    opens = _ITEM_ID.match(text, begin)
                    key = opens.group(1) if opens is not None else None
                    span = spans.get(key) if key is not None else None
                    item = None
                    if span is not None:
                        digest = blake2b(text[begin : begin + span[0]].encode("utf-8"), digest_size=16).digest()
                        if digest == span[1] and (item := known.get(digest)) is not None:
                            at = begin + span[0]
                            by_id[key] = span
                    if item is None:
                        value, at = decoder.raw_decode(text, begin)
                        if isinstance(value, dict):
                            digest = blake2b(text[begin:at].encode("utf-8"), digest_size=16).digest()
                            item = known.get(digest)
                            if item is None:
                                item = parse(value)
                            if key is not None:
                                by_id[key] = (at - begin, digest)
                    if item is not None:
                        made[digest] = item
                        items.append(item)
                    if text[at] == ",":  # the usual separator, with no space around it
                        at += 1
                        if text[at] in " \t\r\n":
                            at = _SPACE.match(text, at).end()
                        continue
                    at = _SPACE.match(text, at).end()
                    if text[at] == ",":
                        at = _SPACE.match(text, at + 1).end()
                        continue
                    if text[at] == "]":
                        break
                    raise ValueError("expected , or ] between items")
            # the envelope around the items, with them taken out, must itself be valid JSON
            envelope = json.loads(text[: start.end()] + text[at:])
        except (ValueError, IndexError):
            raise e.MalformedResponse(
                "TaskIP sent a response that is not valid JSON.", status=resp.status_code
            ) from None
        if not isinstance(envelope, dict) or envelope.get("data") != []:
            return None  # the "data" found was not the envelope's own: parse it the plain way
        return envelope, tuple(items), _Walked(made, by_id)

    def _iterate(self, fetch: Callable[..., Page[T]], query: dict) -> Iterator[T]:
        """All pages of one query: the same filters again with page+1 (never links.next verbatim)."""
        query = {k: v for k, v in query.items() if k != "page"}
        page = 1
        while page <= _MAX_PAGES:
            result = fetch(**query, page=page)
            yield from result.items
            if not result.has_next or not result.items:
                return
            page += 1


class _Resource:
    def __init__(self, client: TaskipClient) -> None:
        self._client = client


class Leads(_Resource):
    def list(
        self,
        *,
        search: str | None = None,
        item: int | None = None,
        page: int | None = None,
        is_converted: bool | int | None = None,
        status_id: int | None = None,
        source_id: int | None = None,
        assigned_to: int | None = None,
        from_date: date | str | None = None,
        to_date: date | str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> Page[Lead]:
        query = _query(
            search=search,
            item=item,
            is_converted=is_converted,
            status_id=status_id,
            source_id=source_id,
            assigned_to=assigned_to,
            from_date=from_date,
            to_date=to_date,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        params = dict(query, **_query(page=page))
        if item == 0:  # every lead in one answer: parsed one lead at a time when it is big
            got = self._client.request(
                "GET", "/lead", params=params, parse_body=lambda r: self._client._every_item(r, Lead.from_api, query)
            )
            if isinstance(got, Page):
                return got
            return self._client._page(got, Lead.from_api, query, page, 0)  # a copy cached before this change
        body = self._client.request("GET", "/lead", params=params)
        return self._client._page(
            body, Lead.from_api, query, page, item if item is not None else DEFAULT_PER_PAGE["leads"]
        )

    def iter_all(self, **filters: Any) -> Iterator[Lead]:
        return self._client._iterate(self.list, filters)

    def get(self, id: int) -> Lead:
        body = self._client.request("GET", f"/lead/{_path_id(id)}")
        return Lead.from_api(self._client._data_dict(body))

    def create(self, payload: Mapping[str, Any]) -> Lead:
        body = self._client.request("POST", "/lead", json_body=dict(payload))
        return Lead.from_api(self._client._data_dict(body))

    def update(self, id: int, payload: Mapping[str, Any]) -> Lead:
        """PUT /lead/{id}. The answer is a PARTIAL lead: see ``Lead.fields_present``."""
        first = payload.get("first_name")
        if not isinstance(first, str) or not first.strip():
            raise ValueError("TaskIP requires first_name on every lead update, even when it does not change")
        body = self._client.request("PUT", f"/lead/{_path_id(id)}", json_body=dict(payload))
        return Lead.from_api(self._client._data_dict(body))

    def delete(self, id: int) -> str:
        return self._client._message(self._client.request("DELETE", f"/lead/{_path_id(id)}"))

    def bulk_delete(self, ids: Iterable[int]) -> str:
        ids = [_path_id(i) for i in ids]
        return self._client._message(self._client.request("POST", "/lead/bulk-delete", json_body={"ids": ids}))

    def send_email(self, id: int, *, subject: str, message: str) -> str:
        body = self._client.request(
            "POST", f"/lead/send-email/{_path_id(id)}", json_body={"subject": subject, "message": message}
        )
        return self._client._message(body)

    def convert(self, id: int) -> Contact:
        """POST /lead/{id}/convert. The answer is a PARTIAL contact (``fields_present``)."""
        body = self._client.request("POST", f"/lead/{_path_id(id)}/convert")
        return Contact.from_api(self._client._data_dict(body))


class Notes(_Resource):
    def list(self, lead_id: int) -> list[Note]:
        body = self._client.request("GET", f"/lead/notes/{_path_id(lead_id, 'lead_id')}")
        return [Note.from_api(x) for x in self._client._data_list(body) if isinstance(x, dict)]

    def create(self, lead_id: int, *, title: str, note: str, image: int | None = None) -> Note:
        body = self._client.request(
            "POST",
            f"/lead/notes/{_path_id(lead_id, 'lead_id')}",
            json_body=_omit_none(title=title, note=note, image=image),
        )
        return Note.from_api(self._client._data_dict(body))

    def update(self, lead_id: int, note_id: int, *, title: str, note: str, image: int | None = None) -> Note:
        body = self._client.request(
            "PUT",
            f"/lead/notes/{_path_id(lead_id, 'lead_id')}",
            json_body=_omit_none(note_id=_path_id(note_id, "note_id"), title=title, note=note, image=image),
        )
        return Note.from_api(self._client._data_dict(body))

    def delete(self, lead_id: int, note_id: int) -> str:
        body = self._client.request(
            "DELETE", f"/lead/notes/{_path_id(lead_id, 'lead_id')}", json_body={"note_id": _path_id(note_id, "note_id")}
        )
        return self._client._message(body)


class Files(_Resource):
    def list(
        self, lead_id: int, *, search: str | None = None, item: int | None = None, page: int | None = None
    ) -> Page[LeadFile]:
        query = _query(search=search, item=item)
        body = self._client.request(
            "GET", f"/lead/files/{_path_id(lead_id, 'lead_id')}", params=dict(query, **_query(page=page))
        )
        return self._client._page(
            body, LeadFile.from_api, query, page, item if item is not None else DEFAULT_PER_PAGE["files"]
        )

    def upload(
        self,
        lead_id: int,
        *,
        file: BinaryIO | None = None,
        filename: str | None = None,
        content_type: str | None = None,
        ids: Iterable[int] | None = None,
    ) -> str:
        """multipart/form-data upload of ``file`` (streamed, never read whole) and/or ``ids[]``
        of existing media. Retried only when the connection could not be made or on 429, and
        only when the file can be rewound."""
        fields = [("ids[]", str(_path_id(i, "ids"))) for i in (ids or ())]
        if file is None and not fields:
            raise ValueError("upload needs a file or ids")
        stream = MultipartStream(fields, file, filename=filename, content_type=content_type)
        body = self._client.request(
            "POST",
            f"/lead/files/{_path_id(lead_id, 'lead_id')}",
            body=stream.body,
            content_type=stream.content_type,
            retry_writes=stream.rewindable,
        )
        return self._client._message(body)

    def bulk_delete(self, lead_id: int, ids: Iterable[int]) -> str:
        body = self._client.request(
            "DELETE",
            f"/lead/files/bulk-delete/{_path_id(lead_id, 'lead_id')}",
            json_body={"ids": [_path_id(i, "ids") for i in ids]},
        )
        return self._client._message(body)


class Attributes(_Resource):
    def list(self, *, type: int | None = None, item: int | None = None, page: int | None = None) -> Page[Attribute]:
        query = _query(type=type, item=item)
        body = self._client.request("GET", "/lead-attribute", params=dict(query, **_query(page=page)))
        return self._client._page(
            body, Attribute.from_api, query, page, item if item is not None else DEFAULT_PER_PAGE["attributes"]
        )

    def all(self, type: int | None = None) -> list[Attribute]:
        items = list(self._client._iterate(self.list, _query(type=type, item=100)))
        return sorted(items, key=lambda a: (a.order if a.order is not None else 0, a.id or 0))

    def get(self, id: int) -> Attribute:
        return Attribute.from_api(
            self._client._data_dict(self._client.request("GET", f"/lead-attribute/{_path_id(id)}"))
        )

    def create(self, *, name: str, type: int, color: str | None = None, order: int | None = None) -> Attribute:
        body = self._client.request(
            "POST", "/lead-attribute", json_body=_omit_none(name=name, type=type, color=color, order=order)
        )
        return Attribute.from_api(self._client._data_dict(body))

    def update(self, id: int, *, name: str, type: int, color: str | None = None, order: int | None = None) -> Attribute:
        body = self._client.request(
            "PUT",
            f"/lead-attribute/{_path_id(id)}",
            json_body=_omit_none(name=name, type=type, color=color, order=order),
        )
        return Attribute.from_api(self._client._data_dict(body))

    def delete(self, id: int) -> str:
        return self._client._message(self._client.request("DELETE", f"/lead-attribute/{_path_id(id)}"))


class Contacts(_Resource):
    def list(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        search: str | None = None,
        sort: str | None = None,
        order: str | None = None,
    ) -> Page[Contact]:
        query = _query(limit=limit, search=search, sort=sort, order=order)
        body = self._client.request("GET", "/contact", params=dict(query, **_query(page=page)))
        return self._client._page(
            body, Contact.from_api, query, page, limit if limit is not None else DEFAULT_PER_PAGE["contacts"]
        )

    def iter_all(self, **filters: Any) -> Iterator[Contact]:
        return self._client._iterate(self.list, filters)

    def get(self, id: int) -> Contact:
        return Contact.from_api(self._client._data_dict(self._client.request("GET", f"/contact/{_path_id(id)}")))

    def create(self, payload: Mapping[str, Any]) -> Contact:
        body = self._client.request("POST", "/contact", json_body=dict(payload))
        return Contact.from_api(self._client._data_dict(body))

    def update(self, id: int, payload: Mapping[str, Any]) -> None:
        """PUT /contact/{id}. TaskIP answers only ``{"msg": ...}``: refetch with ``get`` if needed."""
        self._client.request("PUT", f"/contact/{_path_id(id)}", json_body=dict(payload))
        return None

    def delete(self, id: int) -> str:
        return self._client._message(self._client.request("DELETE", f"/contact/{_path_id(id)}"))

    def bulk_delete(self, ids: Iterable[int]) -> str:
        body = self._client.request(
            "POST", "/contact/bulk-delete", json_body={"contact_ids": [_path_id(i) for i in ids]}
        )
        return self._client._message(body)

    def invite(
        self, id: int, *, message: str | None = None, send_email: bool | None = None, access_level: str | None = None
    ) -> str:
        body = self._client.request(
            "POST",
            f"/contact/invite-client/{_path_id(id)}",
            json_body=_omit_none(message=message, send_email=send_email, access_level=access_level),
        )
        return self._client._message(body)


class TeamMembers(_Resource):
    def list(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        search: str | None = None,
        sort: str | None = None,
        order: str | None = None,
        role: str | None = None,
        status: str | None = None,
        department: str | None = None,
    ) -> Page[TeamMember]:
        query = _query(
            limit=limit, search=search, sort=sort, order=order, role=role, status=status, department=department
        )
        body = self._client.request("GET", "/team-member", params=dict(query, **_query(page=page)))
        return self._client._page(
            body, TeamMember.from_api, query, page, limit if limit is not None else DEFAULT_PER_PAGE["team"]
        )

    def iter_all(self, **filters: Any) -> Iterator[TeamMember]:
        return self._client._iterate(self.list, filters)

    def all(self, **filters: Any) -> list[TeamMember]:
        filters.setdefault("limit", 100)
        return list(self.iter_all(**filters))

    def get(self, id: int) -> TeamMember:
        return TeamMember.from_api(self._client._data_dict(self._client.request("GET", f"/team-member/{_path_id(id)}")))


class Companies(_Resource):
    def list(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        search: str | None = None,
        sort: str | None = None,
        order: str | None = None,
        industry: str | None = None,
        status: str | None = None,
    ) -> Page[Company]:
        query = _query(limit=limit, search=search, sort=sort, order=order, industry=industry, status=status)
        body = self._client.request("GET", "/company", params=dict(query, **_query(page=page)))
        return self._client._page(
            body, Company.from_api, query, page, limit if limit is not None else DEFAULT_PER_PAGE["companies"]
        )

    def iter_all(self, **filters: Any) -> Iterator[Company]:
        return self._client._iterate(self.list, filters)

    def all(self, **filters: Any) -> list[Company]:
        filters.setdefault("limit", 100)
        return list(self.iter_all(**filters))
