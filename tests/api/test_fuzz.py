"""Schemathesis against a live server of the app, with the demo data, as a staff
member and as a manager: no server error, no answer that breaks the schema.

Runs the ``schemathesis`` command line in a subprocess against pytest-django's
``live_server``. Real ids from the seeded data are offered to the generator (as
"dictionaries") so that requests reach the code behind the 404s, and generated
ids are still tried too.

Marked ``fuzz``, so ``make test`` leaves it out: ``make fuzz`` runs this bounded
pass, and CI (``.ci/run``) runs it as its own step. For a longer run:

    CRM_FUZZ_EXAMPLES=50 CRM_FUZZ_PHASES=examples,coverage,fuzzing,stateful \\
        .venv/bin/python -m pytest -m fuzz tests/api/test_fuzz.py -s

which prints the figures (requests, failures) of each run.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from partnerships.models import (
    AbandonReason,
    Action,
    ApiToken,
    Contact,
    Document,
    Meeting,
    Organization,
    Partnership,
    Sector,
    StageChange,
)

EXAMPLES = int(os.environ.get("CRM_FUZZ_EXAMPLES", "8"))
PHASES = os.environ.get("CRM_FUZZ_PHASES", "examples,fuzzing")
SEED = os.environ.get("CRM_FUZZ_SEED", "20260611")
# Every check, except positive_data_acceptance: a request can match the schema
# and still be refused by a rule the schema cannot express (an id that does not
# exist, a backward move without a note, a stale version). Those are 400, 404
# or 409 answers, each of them documented.
CHECKS = ["--checks", "all", "--exclude-checks", "positive_data_acceptance"]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("fuzz"),
]


@pytest.fixture
def demo_data(transactional_db) -> None:
    call_command("seed_demo", stdout=io.StringIO())


def _ids(queryset) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:20])


def _config() -> str:
    """A schemathesis.toml offering real ids (half of the time) wherever an id goes."""
    users = _ids(get_user_model().objects.filter(is_active=True))
    records = {
        "partnerships": _ids(Partnership.objects),
        "meetings": _ids(Meeting.objects),
        "actions": _ids(Action.objects),
        "organizations": _ids(Organization.objects),
        "contacts": _ids(Contact.objects),
        "documents": _ids(Document.objects),
        "sectors": _ids(Sector.objects),
        "stage-changes": _ids(StageChange.objects),
        "abandon-reasons": _ids(AbandonReason.objects),
        "users": users,
        "versions": [1, 2, 3],
        "sector-slugs": list(Sector.objects.values_list("slug", flat=True)[:10]),
    }
    lines = [
        f"[dictionaries.{name}]\nvalues = {json.dumps(values)}\n"
        for name, values in records.items()
    ]

    def bind(key: str, dictionary: str) -> str:
        return f'"{key}" = {{ dictionary = "{dictionary}", probability = 0.5 }}'

    bindings = {
        "body.owner": "users",
        "body.team[*]": "users",
        "body.attendees[*]": "users",
        "body.partnership": "partnerships",
        "body.partnerships[*]": "partnerships",
        "body.meeting": "meetings",
        "body.origin_meeting": "meetings",
        "body.organization": "organizations",
        "body.organizations[*]": "organizations",
        "body.lead_organization": "organizations",
        "body.parties[*].organization": "organizations",
        "body.contacts[*]": "contacts",
        "body.signatories[*]": "contacts",
        "body.sectors[*]": "sectors",
        "body.reason": "abandon-reasons",
        "body.document": "documents",
        "body.version": "versions",
        "query.owner": "users",
        "query.member": "users",
        "query.partnership": "partnerships",
        "query.organization": "organizations",
        "query.sector": "sector-slugs",
    }
    lines.append("[parameters]\n" + "\n".join(bind(k, v) for k, v in bindings.items()) + "\n")
    for tag in records:
        if tag in ("versions", "sector-slugs"):
            continue
        lines.append(
            f'[[operations]]\ninclude-tag = "{tag}"\nparameters = {{ {bind("path.id", tag)} }}\n'
        )
    return "\n".join(lines)


def _run_schemathesis(url: str, token: str, workdir: Path) -> dict:
    (workdir / "schemathesis.toml").write_text(_config())
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(workdir / "schemathesis.toml"),
        "run",
        f"{url}/api/schema/?format=json",
        "--header",
        f"Authorization: Bearer {token}",
        *CHECKS,
        "--max-examples",
        str(EXAMPLES),
        "--phases",
        PHASES,
        "--seed",
        SEED,
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "json,har",
        "--report-dir",
        str(workdir),
    ]
    # Run in the test's folder: schemathesis and hypothesis keep their caches
    # in the working directory, which should not be the repository.
    result = subprocess.run(  # noqa: S603 (our own command line)
        command, cwd=workdir, capture_output=True, text=True, timeout=1800, check=False
    )
    report = json.loads(next(workdir.glob("json-*.json")).read_text())
    har = json.loads(next(workdir.glob("har-*.json")).read_text())
    statuses: dict[int, int] = {}
    for entry in har["log"]["entries"]:
        code = entry["response"]["status"]
        statuses[code] = statuses.get(code, 0) + 1
    return {"result": result, "report": report, "statuses": statuses}


@pytest.mark.parametrize("username", ["julien", "manager"])
def test_fuzzing_finds_no_server_error_and_no_answer_outside_the_schema(
    live_server, demo_data, tmp_path, username, settings
):
    # The fuzzer sends bad tokens on purpose (its ignored_auth check), all from
    # one address: throttled, its good token would get 429s too. The
    # throttling has its own tests (tests/api/test_auth_throttling.py).
    settings.API_AUTH_FAILURE_RATE = None
    user = get_user_model().objects.get(username=username)
    _token, raw = ApiToken.issue(user=user, name="fuzzing")

    run = _run_schemathesis(live_server.url, raw, tmp_path)

    report, statuses = run["report"], run["statuses"]
    figures = (
        f"{username}: {sum(statuses.values())} requests "
        f"({', '.join(f'{code}: {n}' for code, n in sorted(statuses.items()))}), "
        f"{report['test_cases']['generated']} test cases, "
        f"{report['test_cases']['unique_failures']} failures, {len(report['errors'])} errors "
        f"in {report['running_time']:.0f} s"
    )
    print(figures)
    assert run["result"].returncode == 0, run["result"].stdout[-8000:]
    assert report["failures"] == []
    assert report["errors"] == []
    assert not [code for code in statuses if code >= 500]
    assert report["operations"]["tested"] == report["operations"]["selected"]
