"""The suite's own guarantees: one frozen "today" that everything reads, no
test module reading the clock when it is imported, and browser tests that skip
in one line without Chromium (or fail when CI requires them)."""

from __future__ import annotations

import ast
import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.utils import timezone

from tests import clock, factories
from tests.conftest import shared_rows

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


# The frozen today --------------------------------------------------------------------


def test_the_code_under_test_and_the_factories_read_the_suites_today(db):
    action = factories.ActionFactory()
    seen_by_a_thread = []
    thread = threading.Thread(target=lambda: seen_by_a_thread.append(timezone.localdate()))
    thread.start()
    thread.join()

    assert timezone.localdate() == clock.TODAY
    assert seen_by_a_thread == [clock.TODAY]  # as the live server's threads do
    assert action.due_date == clock.TODAY + datetime.timedelta(days=7)
    assert action.partnership.stage_changed_on == clock.TODAY - datetime.timedelta(days=30)


def test_crm_test_today_moves_the_suites_today(monkeypatch):
    monkeypatch.setenv("CRM_TEST_TODAY", "2029-02-28")
    assert clock._today_from_environment() == datetime.date(2029, 2, 28)

    monkeypatch.setenv("CRM_TEST_TODAY", "28/02/2029")
    with pytest.raises(SystemExit, match="CRM_TEST_TODAY must be a date written YYYY-MM-DD"):
        clock._today_from_environment()


def test_dates_written_for_the_reference_day_keep_their_distance_to_today():
    assert clock.day(2026, 6, 15) == clock.TODAY
    assert clock.day(2026, 6, 10) == clock.TODAY - datetime.timedelta(days=5)
    assert clock.day(2027, 6, 15) == clock.TODAY + datetime.timedelta(days=365)


# Rows shared by many tests ---------------------------------------------------------


@pytest.mark.django_db  # in this test's own transaction: the rollback is to a savepoint
def test_shared_rows_are_there_for_the_tests_and_gone_after_the_last(django_db_blocker):
    from partnerships.models import Sector

    def present() -> bool:
        with django_db_blocker.unblock():
            return Sector.objects.filter(slug="shared-by-many-tests").exists()

    rows = shared_rows(
        django_db_blocker, lambda: factories.SectorFactory(slug="shared-by-many-tests")
    )
    sector = next(rows)
    assert present() and sector.slug == "shared-by-many-tests"

    rows.close()  # what pytest does after the fixture's last test

    assert not present()


# No clock read at import time ------------------------------------------------------

CLOCK_READS = {
    "date.today",
    "datetime.today",
    "datetime.now",
    "datetime.utcnow",
    "timezone.now",
    "timezone.localdate",
    "timezone.localtime",
    "localdate",
    "localtime",
    "time.time",
    "time.time_ns",
}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def clock_reads_at_import(source: str) -> list[int]:
    """Lines that read the clock when the module is imported: module and class
    bodies, decorators (parametrize lists) and default values; not function
    bodies or lambdas (factory-boy's LazyFunction), which run later."""
    lines: list[int] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            evaluated_now = [*node.args.defaults, *node.args.kw_defaults]
            if not isinstance(node, ast.Lambda):
                evaluated_now += node.decorator_list
            for child in evaluated_now:
                if child is not None:
                    visit(child)
            return
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if any(name == read or name.endswith(f".{read}") for read in CLOCK_READS):
                lines.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return lines


def test_the_import_time_check_tells_a_constant_from_a_lazy_value():
    source = (
        "TODAY = timezone.localdate()\n"
        "@pytest.mark.parametrize('day', [datetime.date.today()])\n"
        "def test(day=timezone.now()):\n"
        "    return timezone.localdate()\n"
        "class F:\n"
        "    due = factory.LazyFunction(lambda: timezone.localdate())\n"
        "    start = datetime.time(12)\n"
    )

    assert sorted(clock_reads_at_import(source)) == [1, 2, 3]


def test_no_test_module_reads_the_clock_when_imported():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if (lines := clock_reads_at_import(path.read_text(encoding="utf-8")))
    }

    assert found == {}, "use tests.clock.TODAY instead of reading the clock at import time"


# Browser tests without a browser ------------------------------------------------------


def test_without_chromium_the_browser_tests_are_skipped_in_one_line():
    """In a pytest of its own, as ``make test`` runs on a machine without Chromium
    (the plugins the browser tests do not use are left out, to start faster)."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "CRM_REQUIRE_BROWSER", "CRM_CHROMIUM"))
    }
    unused_plugins = ["schemathesis", "hypothesispytest", "benchmark", "anyio", "faker"]
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "pytest", "tests/browser", "-q", "-rs"]
        + [option for plugin in unused_plugins for option in ("-p", f"no:{plugin}")],
        cwd=ROOT,
        env={**inherited, "CRM_CHROMIUM": "/nonexistent/chromium"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(skipped) == 1, result.stdout
    assert "tests/browser/conftest.py" in skipped[0]
    assert "/nonexistent/chromium is missing (apt-get install chromium" in skipped[0]
    assert " passed" not in result.stdout


def test_when_ci_requires_the_browser_its_absence_fails_each_browser_test(request, monkeypatch):
    from tests.browser import conftest as browser_conftest

    monkeypatch.setattr(browser_conftest, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CRM_REQUIRE_BROWSER", "1")

    with pytest.raises(pytest.fail.Exception, match="but /nonexistent/chromium is missing"):
        browser_conftest.pytest_runtest_setup(request.node)
