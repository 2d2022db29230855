"""The stylesheet parses and every static file a template names exists (merges of the shared
stylesheet have dropped a closing brace before, silently unstyling every page after it)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _strip_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def test_stylesheet_braces_balance():
    for path in (ROOT / "static" / "css").glob("*.css"):
        depth = 0
        for lineno, line in enumerate(_strip_comments(path.read_text()).splitlines(), 1):
            for ch in line:
                depth += ch == "{"
                depth -= ch == "}"
                assert depth >= 0, f"{path.name}:{lineno}: a '}}' closes nothing"
        assert depth == 0, f"{path.name}: {depth} block(s) left open"


def test_every_static_file_named_in_a_template_exists():
    missing = []
    for tpl in (ROOT / "templates").rglob("*.html"):
        for name in re.findall(r"{%\s*static\s+['\"]([^'\"]+)['\"]", tpl.read_text()):
            if not (ROOT / "static" / name).exists():
                missing.append(f"{tpl.relative_to(ROOT)}: {name}")
    assert not missing, missing


def test_no_inline_script_or_style_attribute_in_templates():
    offenders = []
    for tpl in (ROOT / "templates").rglob("*.html"):
        text = tpl.read_text()
        if tpl.name == "500.html":
            continue
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\sstyle=\"", text)
            or re.search(r"\son[a-z]+=\"", text)
        ):
            offenders.append(str(tpl.relative_to(ROOT)))
    assert not offenders, f"inline script/style/handlers (the CSP forbids them): {offenders}"
