"""The briefing dossier pages (issue 14, point 1): who may open them, what they
show, in which language, in how many queries, and the PDF's degraded path."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from partnerships.models import ActionSide, MeetingStatus, Stage
from tests import factories
from tests.clock import TODAY
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def build_story(n: int, owner, teammate) -> dict:
    """Zhangjiakou inside Hebei, a sister city, and ``n`` of everything around it."""
    hebei = factories.OrganizationFactory(name="Hebei Province", local_name="河北省", kind="region")
    city = factories.OrganizationFactory(
        name="Zhangjiakou",
        local_name="张家口市",
        romanization="Zhangjiakou",
        kind="city",
        parent=hebei,
        website="https://www.zjk.gov.cn/",
        aliases="Ville de Zhangjiakou",
    )
    chambery = factories.OrganizationFactory(name="Ville de Chambéry", kind="city", country="FR")
    factories.OrganizationRelationFactory(source=chambery, target=city)
    factories.OrganizationFactory(name=f"Zhangjiakou district {n}", parent=city)
    meeting = factories.MeetingFactory(
        title="Mayor's visit to Zhangjiakou",
        status=MeetingStatus.PLANNED,
        start_date=TODAY + datetime.timedelta(days=7),
        summary="Sign the renewal; visit the Nordic ski site.",
        logged_by=owner,
    )
    meeting.organizations.set([city])
    meeting.attendees.set([owner])
    for i in range(n):
        partnership = factories.PartnershipFactory(
            title=f"Chambéry – Zhangjiakou cooperation {i}",
            owner=owner,
            team=[teammate],
            stage=Stage.AGREEMENT,
            signed_on=TODAY - datetime.timedelta(days=900),
            end_date=TODAY + datetime.timedelta(days=90 + i),
        )
        factories.PartnershipPartyFactory(partnership=partnership, organization=city)
        factories.PartnershipPartyFactory(partnership=partnership, organization=chambery)
        contact = factories.ContactFactory(
            organization=city,
            name=f"Li Wei {i}",
            title="Director of the Foreign Affairs Office",
            languages="Chinese, English",
        )
        held = factories.MeetingFactory(
            title=f"Delegation {i}", summary="Talked.", outcomes=f"Outcome {i}", logged_by=owner
        )
        held.organizations.set([city, chambery])
        held.partnerships.set([partnership])
        held.contacts.set([contact])
        meeting.partnerships.add(partnership)
        meeting.contacts.add(contact)
        factories.ActionFactory(
            title=f"Send the training programme {i}",
            owner=owner,
            partnership=partnership,
            due_date=TODAY - datetime.timedelta(days=3),
        )
        factories.ActionFactory(
            title=f"Partner confirms the venue {i}",
            owner=teammate,
            partnership=partnership,
            side=ActionSide.PARTNER,
            lead_organization=city,
        )
        document = factories.DocumentFactory(
            partnership=partnership,
            title=f"Cooperation agreement {i}",
            signed_on=TODAY - datetime.timedelta(days=900),
        )
        factories.DocumentSignatoryFactory(
            document=document, contact=contact, title_at_signing="Vice-mayor"
        )
    return {"city": city, "chambery": chambery, "meeting": meeting, "partnership": partnership}


@pytest.fixture
def story(owner, teammate):
    return build_story(2, owner, teammate)


def dossier_url(kind: str, pk: int, *, pdf: bool = False, lang: str = "en") -> str:
    name = f"{kind}s:dossier_pdf" if pdf else f"{kind}s:dossier"
    return f"{reverse(name, args=[pk])}?lang={lang}"


def subjects(story) -> list[tuple[str, int]]:
    return [
        ("organization", story["city"].pk),
        ("partnership", story["partnership"].pk),
        ("meeting", story["meeting"].pk),
    ]


# Who may open it ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "teammate", "outsider", "manager", "admin"])
def test_every_role_reads_the_dossier_of_what_its_pages_show(persona, personas, story):
    client = client_for(personas[persona])
    for kind, pk in subjects(story):
        response = client.get(dossier_url(kind, pk))
        assert response.status_code == 200, (kind, persona)
        assert "Zhangjiakou" in response.content.decode()


def test_a_user_without_a_role_is_refused_and_an_anonymous_visitor_signs_in(no_role, story):
    for kind, pk in subjects(story):
        assert client_for(no_role).get(dossier_url(kind, pk)).status_code == 403
        response = client_for(None).get(dossier_url(kind, pk))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_a_deleted_partnership_has_no_dossier_and_leaves_the_others(owner, manager, story):
    from partnerships import lifecycle

    lifecycle.soft_delete(story["partnership"], by=manager)
    client = client_for(owner)
    assert client.get(dossier_url("partnership", story["partnership"].pk)).status_code == 404
    page = client.get(dossier_url("organization", story["city"].pk)).content.decode()
    assert story["partnership"].title not in page
    assert "Chambéry – Zhangjiakou cooperation 0" in page


def test_an_unknown_subject_is_a_404(owner):
    assert client_for(owner).get(dossier_url("organization", 999999)).status_code == 404


def test_a_language_not_offered_is_a_clear_400_that_offers_the_others(owner, story):
    response = client_for(owner).get(dossier_url("organization", story["city"].pk, lang="de"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "not offered" in page
    assert "?lang=fr" in page and "?lang=en" in page


# What it shows -----------------------------------------------------------------------------


def test_the_organization_dossier_tells_everything_before_a_visit(owner, story):
    page = client_for(owner).get(dossier_url("organization", story["city"].pk)).content.decode()
    for expected in [
        "Briefing dossier",
        "张家口市",  # local name
        "https://www.zjk.gov.cn/",
        "Ville de Zhangjiakou",  # alias
        "Hebei Province",  # parent
        "Zhangjiakou district 2",  # child
        "Ville de Chambéry",  # relation
        "Chambéry – Zhangjiakou cooperation 1",
        "Agreement",
        "expires in 3 months",
        "Outcome 1",
        "Send the training programme 0",
        "overdue",
        "3 days late",
        "Partner confirms the venue 1",
        "Director of the Foreign Affairs Office",
        "Chinese, English",
        "Cooperation agreement 1",
        "Vice-mayor",
    ]:
        assert expected in page, expected
    # No navigation of the app: a document to print.
    assert 'class="site-header"' not in page


def test_the_partner_commitments_are_apart_from_ours(owner, story):
    page = client_for(owner).get(dossier_url("organization", story["city"].pk)).content.decode()
    ours, theirs = page.split("commitments (we chase)")
    assert "Send the training programme" in ours and "Partner confirms the venue" not in ours
    assert "Partner confirms the venue" in theirs


def test_the_meeting_dossier_puts_its_agenda_first(owner, story):
    page = client_for(owner).get(dossier_url("meeting", story["meeting"].pk)).content.decode()
    agenda = page.index('id="agenda"')
    assert agenda < page.index('id="profiles"') < page.index('id="partnerships"')
    assert "Sign the renewal; visit the Nordic ski site." in page
    assert "in 7 days" in page
    assert "at this meeting" in page


def test_the_partnership_dossier_is_centred_on_it_and_its_parties(owner, story):
    page = client_for(owner).get(dossier_url("partnership", story["partnership"].pk))
    text = page.content.decode()
    assert "Chambéry – Zhangjiakou cooperation 1" in text
    assert "Chambéry – Zhangjiakou cooperation 0" not in text  # another partnership
    assert "Hebei Province" in text and "Ville de Chambéry" in text


def test_the_dossier_is_in_the_language_asked_whatever_the_page_language(owner, story):
    client = client_for(owner)
    client.cookies["django_language"] = "en"
    page = client.get(dossier_url("organization", story["city"].pk, lang="fr"))
    text = page.content.decode()
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in text
    assert "Dossier de visite" in text
    assert "Partenariats" in text
    assert "Accord" in text
    assert "en retard" in text
    english = client.get(dossier_url("organization", story["city"].pk, lang="en")).content
    assert b"Partnerships" in english and b"Partenariats" not in english


def test_each_detail_page_offers_the_dossier_in_both_languages(owner, story):
    client = client_for(owner)
    for kind, pk in subjects(story):
        page = client.get(reverse(f"{kind}s:detail", args=[pk])).content.decode()
        assert "Briefing dossier" in page
        assert dossier_url(kind, pk, lang="fr") in page
        assert dossier_url(kind, pk, pdf=True, lang="en") in page


# How many queries ---------------------------------------------------------------------------

# The session and user, the subject with its parents, children, relations and
# sectors, then one or two queries per section: the same for 1 or 12 of each.
DOSSIER_QUERIES = 24


@pytest.mark.parametrize("size", [1, 12])
def test_the_dossier_takes_the_same_queries_for_one_or_many(
    size, owner, teammate, django_assert_max_num_queries
):
    story = build_story(size, owner, teammate)
    client = client_for(owner)
    for kind, pk in subjects(story):
        with django_assert_max_num_queries(DOSSIER_QUERIES):
            response = client.get(dossier_url(kind, pk))
        assert response.status_code == 200


# The PDF without its fonts --------------------------------------------------------------------


def test_without_the_chinese_font_the_pdf_link_says_what_to_install(owner, story, settings):
    settings.CRM_PDF_CJK_FONT = "No Such CJK Font"
    client = client_for(owner)
    response = client.get(dossier_url("organization", story["city"].pk, pdf=True, lang="fr"))
    assert response.status_code == 503
    page = response.content.decode()
    assert "apt-get install fonts-noto-cjk" in page
    assert "No Such CJK Font" in page
    assert dossier_url("organization", story["city"].pk, lang="fr") in page
    # ... and the printable page keeps working.
    assert client.get(dossier_url("organization", story["city"].pk)).status_code == 200
