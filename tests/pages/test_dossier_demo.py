"""The briefing dossier of the demo's Zhangjiakou, in French and in English, and
its real PDF: WeasyPrint with the Noto CJK fonts writes 张家口市, which pypdf
reads back. Without the fonts the PDF test skips (one line in the summary),
except in CI (``CRM_REQUIRE_CJK_FONTS``, set by .ci/run, which installs them)."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from partnerships.dossier_pdf import missing_requirement
from partnerships.models import Organization, Partnership
from tests.conftest import client_for, shared_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from shared_rows(
        django_db_blocker, lambda: call_command("seed_demo", stdout=io.StringIO())
    )


@pytest.fixture
def julien(demo):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="julien")


def zhangjiakou() -> Organization:
    return Organization.objects.get(local_name="张家口市")


def test_the_zhangjiakou_dossier_in_french(julien):
    url = reverse("organizations:dossier", args=[zhangjiakou().pk])
    page = client_for(julien).get(f"{url}?lang=fr").content.decode()
    for expected in [
        "Dossier de visite",
        "张家口市",
        "Romanisation",
        "Province du Hebei",
        "Partenariats",
        "Chambéry – Zhangjiakou cooperation",
        "Accord",  # the stage, in French
        "Prospect",
        "Dernières rencontres",
        "Engagements en cours",
        "Contacts clés",
        "Secrétaire général de la Province du Hebei",  # Haowen Zhu, at the parent
        "Documents et signataires",
    ]:
        assert expected in page, expected


def test_the_zhangjiakou_dossier_in_english(julien):
    url = reverse("organizations:dossier", args=[zhangjiakou().pk])
    page = client_for(julien).get(f"{url}?lang=en").content.decode()
    for expected in [
        "Briefing dossier",
        "Romanization",
        "Partnerships",
        "Agreement",
        "Last meetings",
        "Open commitments",
        "Key contacts",
        "Documents and signatories",
    ]:
        assert expected in page, expected
    assert "Partenariats" not in page


def test_the_partnership_dossier_pdf_writes_chinese(julien):
    missing = missing_requirement()
    if missing is not None:
        if os.environ.get("CRM_REQUIRE_CJK_FONTS"):
            pytest.fail(f"{missing.what} (apt-get install {missing.package})")
        pytest.skip(f"{missing.what}: apt-get install {missing.package} to test the PDF")
    assert settings.CRM_PDF_CJK_FONT
    partnership = Partnership.objects.get(title="Chambéry – Zhangjiakou cooperation")
    url = reverse("partnerships:dossier_pdf", args=[partnership.pk])
    response = client_for(julien).get(f"{url}?lang=fr")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "张家口市" in text
    assert "Partenariats" in text


def test_a_partnerships_dossier_shows_its_targets_and_results(julien):
    """MND's joint venture announced about 100 jobs around Chambéry and 200 in
    Zhangjiakou: the dossier carries both targets, in the language asked."""
    mnd = Partnership.objects.get(title__startswith="MND – Snowland")
    url = reverse("partnerships:dossier", args=[mnd.pk])
    english = client_for(julien).get(f"{url}?lang=en").content.decode()
    french = client_for(julien).get(f"{url}?lang=fr").content.decode()

    assert "Targets and results" in english and "Jobs created" in english
    assert "around Chambéry" in english and "in Zhangjiakou" in english
    assert ">200<" in english and ">100<" in english
    assert "Objectifs et résultats" in french and "Emplois créés" in french
