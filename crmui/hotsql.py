"""Reads every page makes, in plain SQL.

Building a query costs Django about ten times what running a tiny one costs (the jobs badge's
count: 0.34-0.48 ms through the ORM, 0.02-0.03 ms as SQL, measured on SQLite), and a cached
page makes a few on every view: the person's roles (``accounts.roles``), the finished jobs they
have not looked at (the navigation's badge, ``jobs.access``), the local-cut shapes switched off
(``leads.localcut``). Each app writes the same query the ORM would make, with the tables' and
columns' names taken from its models (``quote`` them), built once per database vendor
(``statement``); nothing is kept between requests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

_built: dict[tuple[str, str], str] = {}


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def statement(name: str, build: Callable[[], str]) -> str:
    """The SQL ``build()`` makes (with ``quote``), made once per database vendor."""
    key = (connection.vendor, name)
    sql = _built.get(key)
    if sql is None:
        sql = _built[key] = build()
    return sql


def column(sql: str, params: Sequence[Any]) -> list[Any]:
    """The first column of every row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return [row[0] for row in cursor.fetchall()]


def scalar(sql: str, params: Sequence[Any]) -> Any:
    """The first column of the first row (None: no row)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
        return None if row is None else row[0]
