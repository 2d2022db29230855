"""Every test gets exactly one tier from where it lives (tests/conftest.py), and
`make test-fast` runs the unit tier's directories."""

from __future__ import annotations

import re

from tests.conftest import TESTS_DIR, TIER_OF_DIR, tier_of


def test_tiers_come_from_the_directory():
    assert tier_of(TESTS_DIR / "unit" / "leads" / "test_moves.py") == "unit"
    assert tier_of(TESTS_DIR / "client" / "test_errors.py") == "unit"
    assert tier_of(TESTS_DIR / "views" / "test_board.py") == "live"
    assert tier_of(TESTS_DIR / "browser" / "test_pipeline.py") == "browser"
    assert tier_of(TESTS_DIR / "deploy" / "test_two_servers.py") == "deploy"


def test_a_browser_file_outside_the_browser_directory_is_a_browser_test():
    assert tier_of(TESTS_DIR / "security" / "test_admin_browser.py") == "browser"


def test_make_test_fast_runs_exactly_the_unit_directories():
    makefile = (TESTS_DIR.parent / "Makefile").read_text()
    line = next(x for x in makefile.splitlines() if "-m unit" in x)
    assert set(re.findall(r"tests/(\w+)", line)) == {d for d, tier in TIER_OF_DIR.items() if tier == "unit"}
