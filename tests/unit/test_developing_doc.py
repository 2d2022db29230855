"""docs/DEVELOPING.md stays true: every ```python block in it runs, and its table of write
effects is the one in crmui/writes.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from huey.api import TaskWrapper

from crmui import writes

DOC = Path(__file__).resolve().parents[2] / "docs" / "DEVELOPING.md"
TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = [
    (TEXT.count("\n", 0, m.start()) + 2, m.group(1))
    for m in re.finditer(r"^```python\n(.*?)^```", TEXT, flags=re.S | re.M)
]


def test_the_doc_has_code_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize(("line", "code"), BLOCKS, ids=[f"line-{line}" for line, _ in BLOCKS])
def test_each_python_example_in_the_doc_runs(line, code):
    cache.clear()  # examples that cache start from nothing, whatever ran before
    namespace = {"__name__": f"docs_developing_line_{line}"}
    try:
        exec(compile(code, f"{DOC}:{line}", "exec"), namespace)  # noqa: S102 - our own doc's examples
    finally:
        for value in namespace.values():  # an example that declares a task leaves no task behind
            if isinstance(value, TaskWrapper):
                value.unregister()


def _doc_effects() -> dict[str, str]:
    """The effects table in the doc: kind -> its effects cell."""
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| (.*?) \|$", TEXT, flags=re.M)
    return dict(rows)


def _code_effects(kind: str) -> list[str]:
    out = []
    for effect in writes.EFFECTS[kind]:
        names = getattr(effect, "namespaces", None)
        if names:
            out.extend(f"`{ns}`" for ns in names)
        elif effect is writes.write_through:
            out.append("`write_through`")
        else:  # e.g. leads/snapshot.py's _patch_updated: `snapshot._patch_updated`
            out.append(f"`{effect.__module__.rsplit('.', 1)[-1]}.{effect.__name__}`")
    return out


def test_the_doc_lists_every_write_kind_with_its_effects():
    documented = _doc_effects()
    assert sorted(documented) == sorted(writes.EFFECTS)
    for kind, cell in documented.items():
        assert [part.strip() for part in cell.split(",")] == _code_effects(kind), kind
