"""The briefing dossier from the Django admin (issue 14): an object tool on the
change forms of organizations, partnerships and meetings opens the printable
page and the PDF, in English and in French."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from partnerships import lifecycle
from tests.conftest import client_for
from tests.pages.test_dossier_pages import build_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(owner, teammate):
    return build_story(1, owner, teammate)


def subjects(story):
    return [
        ("organization", story["city"]),
        ("partnership", story["partnership"]),
        ("meeting", story["meeting"]),
    ]


def change_url(kind: str, pk: int) -> str:
    return reverse(f"admin:partnerships_{kind}_change", args=[pk])


@pytest.mark.parametrize("kind", ["organization", "partnership", "meeting"])
def test_each_change_form_links_to_the_dossier_page_and_pdf_in_both_languages(
    kind, admin_user, story
):
    record = dict(subjects(story))[kind]
    page = client_for(admin_user).get(change_url(kind, record.pk)).content.decode()
    assert 'class="object-tools dossier-tools"' in page
    assert "Briefing dossier · English" in page
    for language in ("en", "fr"):
        assert f'href="{reverse(f"{kind}s:dossier", args=[record.pk])}?lang={language}"' in page
        assert f'href="{reverse(f"{kind}s:dossier_pdf", args=[record.pk])}?lang={language}"' in page


def test_the_links_open_the_dossier_for_the_admin(admin_user, story):
    client = client_for(admin_user)
    for kind, record in subjects(story):
        url = f"{reverse(f'{kind}s:dossier', args=[record.pk])}?lang=fr"
        response = client.get(url)
        assert response.status_code == 200
        assert "Dossier de visite" in response.content.decode()


def test_the_object_tool_speaks_french_in_a_french_admin(admin_user, story):
    client = client_for(admin_user)
    client.cookies["django_language"] = "fr"
    with translation.override("fr"):
        page = client.get(change_url("organization", story["city"].pk)).content.decode()
    assert "Dossier de visite · Français" in page
    assert "PDF du dossier · English" in page


def test_a_deleted_partnership_has_no_dossier_link(admin_user, manager, story):
    lifecycle.soft_delete(story["partnership"], by=manager)
    response = client_for(admin_user).get(
        change_url("partnership", story["partnership"].pk), follow=True
    )
    assert "Briefing dossier ·" not in response.content.decode()


def test_the_add_forms_have_no_dossier_link(admin_user):
    for kind in ("organization", "partnership", "meeting"):
        page = client_for(admin_user).get(reverse(f"admin:partnerships_{kind}_add"))
        assert "Briefing dossier ·" not in page.content.decode()
