"""The briefing dossier through the API (issue 14): ``GET /api/<kind>s/<id>/dossier/``
answers the sections' data in JSON, or the PDF, with the page's rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnerships import lifecycle
from partnerships.models import UserProfile
from tests.api.conftest import token_client
from tests.pages.test_dossier_pages import build_story

pytestmark = pytest.mark.django_db

KINDS = ["organization", "partnership", "meeting"]


@pytest.fixture
def story(owner, teammate):
    return build_story(2, owner, teammate)


def subject_id(story, kind: str) -> int:
    return {"organization": story["city"], "partnership": story["partnership"]}.get(
        kind, story["meeting"]
    ).pk


def url(kind: str, pk: int, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(f"api:{kind}-dossier", args=[pk]) + (f"?{query}" if query else "")


# Who may read it ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "teammate", "outsider", "manager", "admin"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_role_reads_the_dossier_of_what_it_can_see(persona, kind, personas, story):
    response = token_client(personas[persona]).get(url(kind, subject_id(story, kind)))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == kind
    assert body["id"] == subject_id(story, kind)
    assert "Zhangjiakou" in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_clients_are_asked_to_authenticate_and_roleless_ones_refused(
    kind, no_role, story
):
    assert token_client(None).get(url(kind, subject_id(story, kind))).status_code == 401
    refused = token_client(no_role).get(url(kind, subject_id(story, kind)))
    assert refused.status_code == 403
    assert "role" in refused.json()["detail"]


def test_a_deleted_partnership_has_no_dossier_and_leaves_the_others(owner, manager, story):
    lifecycle.soft_delete(story["partnership"], by=manager)
    client = token_client(owner)
    assert client.get(url("partnership", story["partnership"].pk)).status_code == 404
    body = client.get(url("organization", story["city"].pk)).json()
    titles = [brief["title"] for brief in body["partnerships"]]
    assert titles == ["Chambéry – Zhangjiakou cooperation 0"]


def test_an_unknown_subject_is_a_json_404(owner):
    response = token_client(owner).get(url("organization", 999999))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# What it answers --------------------------------------------------------------------------


def test_the_organization_dossier_holds_every_section_as_data(owner, story):
    body = token_client(owner).get(url("organization", story["city"].pk)).json()
    assert [s["key"] for s in body["sections"]] == [
        "profiles",
        "partnerships",
        "meetings",
        "commitments",
        "contacts",
        "documents",
    ]
    assert body["agenda"] is None
    (profile,) = body["profiles"]
    assert profile["local_name"] == "张家口市"
    assert profile["aliases"] == ["Ville de Zhangjiakou"]
    assert [a["name"] for a in profile["ancestors"]] == ["Hebei Province"]
    assert profile["relations"][0]["other"]["name"] == "Ville de Chambéry"
    assert profile["relations"][0]["outgoing"] is False
    brief = body["partnerships"][0]
    assert brief["stage"] == "agreement" and brief["stage_label"] == "Agreement"
    assert brief["expiry_words"].startswith("expires in")
    assert {p["organization"]["name"] for p in brief["parties"]} == {
        "Zhangjiakou",
        "Ville de Chambéry",
    }
    assert {m["outcomes"] for m in body["meetings"]} == {"Outcome 0", "Outcome 1"}
    commitments = body["commitments"]
    assert commitments["overdue"] == 2
    assert {c["title"] for c in commitments["ours"]} == {
        "Send the training programme 0",
        "Send the training programme 1",
    }
    assert all(c["side"] == "partner" for c in commitments["theirs"])
    assert commitments["ours"][0]["due_words"] == "3 days late"
    contact = body["contacts"][0]
    assert contact["title"] == "Director of the Foreign Affairs Office"
    assert contact["languages"] == "Chinese, English"
    signatory = body["documents"][0]["signatories"][0]
    assert signatory["title_at_signing"] == "Vice-mayor"
    assert (
        body["page_url"] == reverse("organizations:dossier", args=[story["city"].pk]) + "?lang=en"
    )


def test_the_meeting_dossier_starts_with_its_agenda(owner, story):
    body = token_client(owner).get(url("meeting", story["meeting"].pk)).json()
    assert body["sections"][0]["key"] == "agenda"
    agenda = body["agenda"]
    assert agenda["planned"] is True
    assert agenda["days_ahead"] == 7
    assert agenda["meeting"]["summary"] == "Sign the renewal; visit the Nordic ski site."
    assert [a["id"] for a in agenda["attendees"]] == [owner.pk]
    assert all(c["met_at_this_meeting"] for c in body["contacts"][:2])


def test_the_partnership_dossier_is_centred_on_it(owner, story):
    body = token_client(owner).get(url("partnership", story["partnership"].pk)).json()
    assert [b["title"] for b in body["partnerships"]] == ["Chambéry – Zhangjiakou cooperation 1"]
    assert body["partnerships"][0]["is_focus"] is True


def test_the_dossier_is_in_the_language_asked_or_else_the_users(owner, story):
    client = token_client(owner)
    french = client.get(url("organization", story["city"].pk, lang="fr"))
    assert french["Content-Language"] == "fr"
    body = french.json()
    assert body["language"] == "fr"
    assert body["sections"][1]["title"] == "Partenariats"
    assert body["partnerships"][0]["stage_label"] == "Accord"
    assert "de retard" in body["commitments"]["ours"][0]["due_words"]
    english = client.get(url("organization", story["city"].pk)).json()
    assert english["language"] == "en" and english["sections"][1]["title"] == "Partnerships"
    UserProfile.objects.for_user(owner).choose_language("fr")
    assert client.get(url("organization", story["city"].pk)).json()["language"] == "fr"
    assert client.get(url("organization", story["city"].pk, lang="en")).json()["language"] == "en"


def test_a_language_not_offered_is_a_400_naming_the_choices(owner, story):
    response = token_client(owner).get(url("organization", story["city"].pk, lang="de"))
    assert response.status_code == 400
    assert "en, fr" in response.json()["lang"][0]


# The PDF ----------------------------------------------------------------------------------


def test_the_pdf_is_the_printable_page_with_chinese_script(owner, story):
    from io import BytesIO

    from pypdf import PdfReader

    response = token_client(owner).get(url("organization", story["city"].pk, format="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="dossier-zhangjiakou-en.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "张家口市" in text


def test_without_the_chinese_font_the_pdf_is_a_json_503_saying_what_to_install(
    owner, story, settings
):
    settings.CRM_PDF_CJK_FONT = "No Such CJK Font"
    client = token_client(owner)
    response = client.get(url("organization", story["city"].pk, format="pdf", lang="fr"))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert "No Such CJK Font" in body["missing"]
    assert body["install"] == settings.CRM_PDF_CJK_FONT_PACKAGE
    assert body["page_url"].endswith("?lang=fr")
    # ... and the JSON dossier keeps working.
    assert client.get(url("organization", story["city"].pk)).status_code == 200


def test_a_pdf_of_a_hidden_subject_is_a_json_404(owner, manager, story):
    lifecycle.soft_delete(story["partnership"], by=manager)
    response = token_client(owner).get(url("partnership", story["partnership"].pk, format="pdf"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# How many queries -------------------------------------------------------------------------

# The token, the user's groups and language, then what the page reads.
DOSSIER_QUERIES = 26


@pytest.mark.parametrize("size", [1, 12])
def test_the_dossier_takes_the_same_queries_for_one_or_many(
    size, owner, teammate, django_assert_max_num_queries
):
    story = build_story(size, owner, teammate)
    client = token_client(owner)
    for kind in KINDS:
        with django_assert_max_num_queries(DOSSIER_QUERIES):
            response = client.get(url(kind, subject_id(story, kind)))
        assert response.status_code == 200


def test_the_schema_describes_the_dossier_with_its_serializer(api):
    schema = api.get("/api/schema/?format=json").json()
    for kind in KINDS:
        operation = schema["paths"][f"/api/{kind}s/{{id}}/dossier/"]["get"]
        content = operation["responses"]["200"]["content"]
        assert content["application/json"]["schema"]["$ref"].endswith("/Dossier")
        assert "application/pdf" in content
        assert {p["name"] for p in operation["parameters"]} >= {"lang", "format"}
        assert "503" in operation["responses"]
    sections = schema["components"]["schemas"]["Dossier"]["properties"]
    assert {"profiles", "partnerships", "commitments", "contacts", "documents"} <= set(sections)
