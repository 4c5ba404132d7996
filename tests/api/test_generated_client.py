"""A Python client generated from the live schema by openapi-python-client
works: it lists, reads, creates, updates and deletes every resource, moves a
stage and completes an action against a live test server, every answer parsed
into its typed model without an error.

Generating the client takes a few seconds, so this is its own pass, left out
of the suite unless asked for: ``make client`` (``pytest -m client``), which
``.ci/run`` runs as its own step.
"""

from __future__ import annotations

import datetime
import importlib
import io
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from partnerships.models import ApiToken
from tests import factories

pytestmark = [pytest.mark.client, pytest.mark.django_db(transaction=True)]

PACKAGE = "crm_api_client"


def _generate(base_url: str, token: str, folder: Path):
    """The client generated from the schema the live server serves."""
    schema = httpx.get(
        f"{base_url}/api/schema/?format=json",
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    assert schema.status_code == 200
    (folder / "schema.json").write_bytes(schema.content)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = subprocess.run(  # noqa: S603 (our own venv's tool, fixed arguments)
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--overwrite",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout, generated.stdout
    sys.path.insert(0, str(folder))
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]
    return importlib.import_module(PACKAGE)


def _call(package: str, resource: str, operation: str, client, **kwargs):
    """Call ``api/<resource>/<resource>_<operation>.sync_detailed`` and check
    that the answer was a success, parsed into its typed model."""
    module = importlib.import_module(f"{PACKAGE}.api.{resource}.{resource}_{operation}")
    response = module.sync_detailed(client=client, **kwargs)
    assert 200 <= response.status_code < 300, (resource, operation, response.content[:500])
    if response.status_code != 204:
        assert response.parsed is not None, (resource, operation, response.content[:500])
    return response.parsed


def test_a_generated_client_lists_reads_creates_updates_and_deletes_everything(
    live_server, manager, tmp_path
):
    _token, raw = ApiToken.issue(user=manager, name="generated client")
    sector = factories.SectorFactory(name="Winter sports")
    reason = factories.AbandonReasonFactory()
    existing = factories.PartnershipFactory(
        title="Existing programme", source_url="https://example.org/agreement"
    )
    factories.ContactFactory(email="li.na@example.cn")
    factories.OrganizationFactory(name="With a site", website="https://example.org/")

    crm = _generate(live_server.url, raw, tmp_path)
    models = importlib.import_module(f"{PACKAGE}.models")
    client = crm.AuthenticatedClient(
        base_url=live_server.url,
        token=raw,
        timeout=httpx.Timeout(60),
        raise_on_unexpected_status=True,
    )

    def call(resource, operation, **kwargs):
        return _call(PACKAGE, resource, operation, client, **kwargs)

    # Every list and every record of it reads and parses.
    for resource in (
        "organizations",
        "contacts",
        "organization_relations",
        "sectors",
        "partnerships",
        "stage_changes",
        "meetings",
        "actions",
        "documents",
        "abandon_reasons",
        "users",
    ):
        page = call(resource, "list")
        for row in page.results:
            call(resource, "retrieve", id=row.id)
    listed = call("partnerships", "list")
    assert existing.pk in [row.id for row in listed.results]
    assert call("partnerships", "retrieve", id=existing.pk).source_url == (
        "https://example.org/agreement"
    )

    # Organizations and contacts: create, update (no delete: see docs/api.md).
    city = call(
        "organizations",
        "create",
        body=models.OrganizationRequest(
            name="Zhangjiakou",
            country=models.CountryEnum.CN,
            website="https://www.zjk.gov.cn/",
            sectors=[sector.pk],
        ),
    )
    assert city.website == "https://www.zjk.gov.cn/"
    town = call(
        "organizations",
        "create",
        body=models.OrganizationRequest(name="Ville de Chambéry", country=models.CountryEnum.FR),
    )
    city = call(
        "organizations",
        "partial_update",
        id=city.id,
        body=models.PatchedOrganizationRequest(local_name="张家口市"),
    )
    assert city.local_name == "张家口市"
    contact = call(
        "contacts",
        "create",
        body=models.ContactRequest(organization=city.id, name="Li Na", email="li.na@zjk.cn"),
    )
    contact = call(
        "contacts",
        "partial_update",
        id=contact.id,
        body=models.PatchedContactRequest(title="Mayor"),
    )
    assert (contact.email, contact.title) == ("li.na@zjk.cn", "Mayor")

    # Organization relations: create, update, delete.
    relation = call(
        "organization_relations",
        "create",
        body=models.OrganizationRelationRequest(
            source=town.id, kind=models.OrganizationRelationKindEnum.SISTER_CITY, target=city.id
        ),
    )
    relation = call(
        "organization_relations",
        "partial_update",
        id=relation.id,
        body=models.PatchedOrganizationRelationRequest(since=datetime.date(2018, 11, 29)),
    )
    assert relation.since == datetime.date(2018, 11, 29)
    call("organization_relations", "destroy", id=relation.id)

    # Partnerships: create with a source link, update, move a stage, delete.
    partnership = call(
        "partnerships",
        "create",
        body=models.PartnershipCreateRequest(
            title="Winter sports cooperation",
            parties=[models.PartyRequest(organization=city.id)],
            source_url="https://example.org/letter",
        ),
    )
    assert partnership.source_url == "https://example.org/letter"
    partnership = call(
        "partnerships",
        "partial_update",
        id=partnership.id,
        body=models.PatchedPartnershipRequest(version=partnership.version, value_note="in kind"),
    )
    partnership = call(
        "partnerships",
        "move_create",
        id=partnership.id,
        body=models.StageMoveRequest(
            stage=models.PartnershipStageEnum.LETTER_OF_INTENT, version=partnership.version
        ),
    )
    assert partnership.stage == models.PartnershipStageEnum.LETTER_OF_INTENT

    # Meetings: create with a time of day, update, delete.
    meeting = call(
        "meetings",
        "create",
        body=models.MeetingCreateRequest(
            title="Delegation from Zhangjiakou",
            start_date=datetime.date(2026, 6, 24),
            start_time="09:30",
            organizations=[city.id],
            partnerships=[partnership.id],
        ),
    )
    meeting = call(
        "meetings",
        "partial_update",
        id=meeting.id,
        body=models.PatchedMeetingRequest(version=meeting.version, locality="Chambéry"),
    )
    assert meeting.start_time is not None

    # Actions: create, update, complete, delete.
    action = call(
        "actions",
        "create",
        body=models.ActionCreateRequest(
            title="Send the draft agreement", partnership=partnership.id, meeting=meeting.id
        ),
    )
    action = call(
        "actions",
        "partial_update",
        id=action.id,
        body=models.PatchedActionRequest(version=action.version, details="In French and Chinese"),
    )
    action = call(
        "actions",
        "complete_create",
        id=action.id,
        body=models.ActionCompleteRequest(version=action.version, outcome="Sent"),
    )
    assert action.status == models.ActionStatusEnum.DONE

    # Documents: upload (multipart), read.
    types = importlib.import_module(f"{PACKAGE}.types")
    document = call(
        "documents",
        "create",
        body=models.DocumentUploadRequest(
            partnership=partnership.id,
            title="Letter of intent",
            file=types.File(payload=io.BytesIO(b"Letter of intent\n"), file_name="letter.txt"),
        ),
    )
    call("documents", "retrieve", id=document.id)

    for resource, record in (("actions", action), ("meetings", meeting)):
        call(resource, "destroy", id=record.id)
    call("partnerships", "destroy", id=partnership.id)
    assert call("abandon_reasons", "retrieve", id=reason.pk).id == reason.pk
