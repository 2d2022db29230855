"""The import graph: no module imports itself back (directly or through others, at the top
of a file or inside a function), the shared library ``crmui`` imports no app, and every
package imports on its own in a fresh interpreter."""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_PACKAGES = {"tests", "bench", "scripts"}
PACKAGES = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in NOT_PACKAGES)
LIBRARY = "crmui"  # the shared library: the TaskIP client, cache, budget record, htmx helpers


def _modules() -> dict[str, Path]:
    mods = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            mods[name.removesuffix(".__init__")] = path
    return mods


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports, wherever in the file the import is."""
    mods = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets = [base, *(f"{base}.{a.name}" for a in node.names)]
            else:
                continue
            for target in targets:
                found = resolve(target)
                # a module importing its own package's __init__ (or a submodule from it) is not an edge back
                if found and found != mod and not mod.startswith(found + "."):
                    graph[mod].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_reader_sees_imports_inside_functions_and_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "crmui.errors" in import_graph()["crmui.cache"]  # a real edge, read from the source


def test_no_module_imports_itself_back():
    assert cycles(import_graph()) == []


def test_the_shared_library_imports_no_app():
    apps = set(PACKAGES) - {LIBRARY}
    leaks = sorted(
        f"{m} imports {t}"
        for m, targets in import_graph().items()
        if m.split(".")[0] == LIBRARY
        for t in targets
        if t.split(".")[0] in apps
    )
    assert leaks == []


_IMPORT_ALL = """
import importlib, os, pkgutil, sys
package = sys.argv[1]
import django
django.setup()
root = importlib.import_module(package)
for info in pkgutil.walk_packages(root.__path__, package + "."):
    if ".migrations" in info.name or info.name.endswith(("settings_production", "wsgi", "asgi")):
        continue
    importlib.import_module(info.name)
"""


def test_every_package_imports_on_its_own_in_a_fresh_interpreter():
    procs = {}
    for package in PACKAGES:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sandbox.settings" if package == "sandbox" else "crmui.settings"}
        procs[package] = subprocess.Popen(
            [sys.executable, "-c", _IMPORT_ALL, package],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    failures = {}
    for package, proc in procs.items():
        out, _ = proc.communicate(timeout=120)
        if proc.returncode:
            failures[package] = out[-2000:]
    assert failures == {}


@pytest.mark.parametrize("package", ["accounts", "crmui", "leads", "shell"])
def test_the_known_packages_are_checked(package):
    assert package in PACKAGES
