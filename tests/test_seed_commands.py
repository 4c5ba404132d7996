"""seed_demo loads the programmes of SPEC section 5 as the five source articles
tell them, idempotently (seed_scale's tests are in test_seed_scale.py: they need
an empty database).

``FACTS`` are checked one by one against the loaded data, as a journalist
would check the demo against the articles (docs/demo-data.md lists them all)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from partnerships import demo_data, reports
from partnerships.models import (
    Action,
    Contact,
    Meeting,
    Organization,
    OrganizationRelation,
    Partnership,
    StageChange,
)
from tests.conftest import client_for, shared_rows

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module (each test's writes are undone)."""
    yield from shared_rows(
        django_db_blocker, lambda: call_command("seed_demo", stdout=io.StringIO())
    )


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_app_config("partnerships").get_models()
    } | {"users": get_user_model().objects.count()}


def stage_path(title: str) -> list[tuple[str, datetime.date]]:
    partnership = Partnership.objects.get(title=title)
    return list(partnership.stage_changes.values_list("to_stage", "effective_date"))


def parties(title: str) -> set[tuple[str, str]]:
    partnership = Partnership.objects.get(title=title)
    return set(partnership.parties.values_list("organization__name", "role"))


def contact(name: str) -> Contact:
    return Contact.objects.select_related("organization").get(name=name)


def attends(name: str, meeting_title: str) -> bool:
    return Meeting.objects.get(title=meeting_title).contacts.filter(name=name).exists()


def meeting(title: str) -> Meeting:
    return Meeting.objects.get(title=title)


REGION_2018 = "Auvergne-Rhône-Alpes – Hebei cooperation agreement"
CHAMBERY_ZJK = "Chambéry – Zhangjiakou cooperation"
CONTRACTS_2018 = "12 partnership contracts between regional and Hebei companies"
POMA = "POMA – Beijing Raissun: ski lifts for Thaiwoo"
MND = "MND – Snowland turnkey contract"
RUIJIN = "Ruijin hospital – Lyon and Grenoble university hospitals"
AMIENS = "Amiens – Zhengzhou economic and technological cooperation"
SISTER_PARKS = "Sophia Antipolis – Chengdu Hi-tech Zone « Sister Parks »"
CENTER = "Sophia Antipolis-Chine Innovation Center"
REGION_MISSION = "Auvergne-Rhône-Alpes Region mission to Shanghai and Beijing"
CHAMBERY_MISSION = "Chambéry delegation to Beijing and Zhangjiakou"
FORUM_2018 = (
    "Forum des JO d'hiver 2022 : quelles opportunités d'affaires et de partenariats entre le "
    "Hebei et Auvergne-Rhône-Alpes ?"
)
SIGNING_2018 = "Signing of the cooperation agreements and of the 12 company contracts"
ZZ_2019 = "Delegation from Zhengzhou received in Amiens"
CCI_2019 = "Meeting at the CCI Amiens-Picardie with four Amiens start-ups"
SOPHIA_FORUM = (
    "Forum franco-chinois des futurs dirigeants d'entreprises scientifiques et technologiques"
)
SOPHIA_SIGNING = "Signing of the « Sister Parks » and Innovation Center agreements"


# Each fact: (what the source says, the check against the loaded data).
FACTS: list[tuple[str, Callable[[], bool]]] = [
    # Grenoble-Isère news, 3 April 2017
    (
        "Laurent Wauquiez, president of the Auvergne-Rhône-Alpes region, led the mission",
        lambda: (
            contact("Laurent Wauquiez").organization.name == "Auvergne-Rhône-Alpes Region"
            and "Président" in contact("Laurent Wauquiez").title
            and attends("Laurent Wauquiez", REGION_MISSION)
        ),
    ),
    (
        "the mission is reported as held on 3 April 2017: not dated after it",
        lambda: (
            meeting(REGION_MISSION).status == "held"
            and meeting(REGION_MISSION).last_day <= D(2017, 4, 3)
        ),
    ),
    (
        "the mission has no day in the source: month precision",
        lambda: meeting(REGION_MISSION).date_precision == "month",
    ),
    (
        "approximately 15 agreements and contracts were signed during the mission",
        lambda: "Approximately 15 agreements" in meeting(REGION_MISSION).outcomes,
    ),
    (
        "a seminar with Sitri and Soitec, during the mission",
        lambda: (
            set(
                meeting(
                    "Seminar: opportunities for Chinese investments in Europe"
                ).organizations.values_list("name", flat=True)
            )
            >= {"Sitri", "Soitec"}
            and meeting("Seminar: opportunities for Chinese investments in Europe").parent.title
            == REGION_MISSION
        ),
    ),
    (
        "Sitri collaborates with the LETI",
        lambda: OrganizationRelation.objects.filter(
            source__name="Sitri", kind="partner", target__name="CEA-Leti"
        ).exists(),
    ),
    (
        "Sitri will be opening a location in Grenoble-Isère: a prospect",
        lambda: Partnership.objects.get(title__startswith="Sitri").stage == "prospect",
    ),
    (
        "POMA and Beijing Raissun signed a strategic contract (signatories both)",
        lambda: (
            {("POMA", "signatory"), ("Beijing Raissun Investment Co. Ltd", "signatory")}
            <= parties(POMA)
            and Partnership.objects.get(title=POMA).stage == "contract"
        ),
    ),
    (
        "the POMA contract is reported signed on 3 April 2017: not dated after it",
        lambda: stage_path(POMA)[-1] == ("contract", D(2017, 4, 3)),
    ),
    (
        "an investment of more than €200 million over the next five to ten years",
        lambda: (
            (
                Partnership.objects.get(title=POMA).value_amount,
                Partnership.objects.get(title=POMA).value_currency,
            )
            == (Decimal("200000000.00"), "EUR")
            and "five to ten years" in Partnership.objects.get(title=POMA).value_note
        ),
    ),
    (
        "MND's Snowland construction contract is valued at €110 million",
        lambda: Partnership.objects.get(title=MND).value_amount == Decimal("110000000.00"),
    ),
    (
        "Snowland is north-west of Beijing",
        lambda: (
            Organization.objects.get(name="Snowland Ski Resort").locality == "North-west of Beijing"
        ),
    ),
    (
        "the Ruijin partnership was renewed during the mission, not after 3 April 2017",
        lambda: stage_path(RUIJIN) == [("renewal", D(2017, 2, 14))],
    ),
    (
        "Ruijin with the Lyon and Grenoble university hospitals",
        lambda: (
            {name for name, _role in parties(RUIJIN)}
            == {"Ruijin Hospital", "Hospices Civils de Lyon", "CHU Grenoble Alpes"}
        ),
    ),
    (
        "the Cluster Montagne visits met the 2022 organizing committee and Hebei authorities",
        lambda: (
            set(
                meeting(
                    "Cluster Montagne visits to ISPO and Alpitec China"
                ).organizations.values_list("name", flat=True)
            )
            >= {"Beijing 2022 Winter Olympics organizing committee", "Hebei Province"}
        ),
    ),
    # Region, on the signings of 29 November 2018
    (
        "the Region and Hebei Province signed on 29 November 2018 in Chambéry",
        lambda: (
            parties(REGION_2018)
            == {("Auvergne-Rhône-Alpes Region", "signatory"), ("Hebei Province", "signatory")}
            and Partnership.objects.get(title=REGION_2018).signed_on == D(2018, 11, 29)
            and Partnership.objects.get(title=REGION_2018).origin_meeting.locality == "Chambéry"
        ),
    ),
    (
        "the Region's mission in China in February and then May 2018 (months only)",
        lambda: (
            [
                (m.start_date.month, m.date_precision)
                for m in Meeting.objects.filter(
                    title__startswith="Auvergne-Rhône-Alpes Region mission to China ("
                ).order_by("start_date")
            ]
            == [(2, "month"), (5, "month")]
        ),
    ),
    (
        "the forum's title as published",
        lambda: meeting(FORUM_2018).start_date == D(2018, 11, 29),
    ),
    (
        "the Chinese delegation was led by the secretary general of Hebei, Haowen Zhu",
        lambda: (
            contact("Haowen Zhu").title == "Secrétaire général de la Province du Hebei"
            and attends("Haowen Zhu", FORUM_2018)
        ),
    ),
    (
        "the Region was represented by its president at the signing",
        lambda: attends("Laurent Wauquiez", SIGNING_2018),
    ),
    (
        "after a day of visits to Val Thorens and Albertville (no day given)",
        lambda: (
            set(
                meeting(
                    "Hebei delegation's visits to Val Thorens and Albertville"
                ).organizations.values_list("name", flat=True)
            )
            >= {"Val Thorens ski resort", "Albertville"}
            and meeting("Hebei delegation's visits to Val Thorens and Albertville").date_precision
            == "month"
        ),
    ),
    (
        "12 company contracts: the nine named regional companies with Hebei companies",
        lambda: (
            parties(CONTRACTS_2018)
            == {
                (name, "signatory")
                for name in [
                    "MND",
                    "CDA",
                    "Club Med",
                    "PVCP",
                    "Sanisphere",
                    "SNOOC",
                    "ESF Val Thorens",
                    "4footsolutions",
                    "Plasticval",
                    "Hebei companies (not named in the source)",
                ]
            }
        ),
    ),
    (
        "the Hebei companies are not named, and Hebei Province is not their counterparty",
        lambda: (
            Organization.objects.get(
                name="Hebei companies (not named in the source)"
            ).is_illustrative
            and ("Hebei Province", "partner") not in parties(CONTRACTS_2018)
        ),
    ),
    (
        "Chambéry and Zhangjiakou signed a cooperation agreement on 29 November 2018",
        lambda: stage_path(CHAMBERY_ZJK)[-1] == ("agreement", D(2018, 11, 29)),
    ),
    (
        "the Lyon–China air route is under study, carried by Aéroports de Lyon",
        lambda: (
            Action.objects.get(
                title__startswith="Study of a direct Lyon–China air route"
            ).lead_organization.name
            == "Aéroports de Lyon"
            and Action.objects.get(title__startswith="Study of a direct Lyon–China").status
            == "in_progress"
        ),
    ),
    (
        "ESF Val Thorens plans a ski school in Zhangjiakou (planned, not done)",
        lambda: (
            Action.objects.get(title="ESF Val Thorens ski school in Zhangjiakou").status == "open"
        ),
    ),
    (
        "the January 2019 Alpitec China mission was in preparation: planned, no outcome",
        lambda: (
            meeting("Cluster Montagne mission to Alpitec China and Hebei").status == "planned"
            and meeting("Cluster Montagne mission to Alpitec China and Hebei").outcomes == ""
            and meeting("Cluster Montagne mission to Alpitec China and Hebei").start_date.month == 1
        ),
    ),
    (
        "POMA, MND, CDA, ABEST, Dianeige and MDP are members of the Cluster Montagne",
        lambda: (
            set(
                OrganizationRelation.objects.filter(
                    kind="member", target__name="Cluster Montagne"
                ).values_list("source__name", flat=True)
            )
            == {"POMA", "MND", "CDA", "ABEST", "Dianeige", "MDP"}
        ),
    ),
    # Ville de Chambéry, 20 February 2017
    (
        "the Chambéry mission ran from 14 to 18 February 2017",
        lambda: (
            (meeting(CHAMBERY_MISSION).start_date, meeting(CHAMBERY_MISSION).end_date)
            == (D(2017, 2, 14), D(2017, 2, 18))
        ),
    ),
    (
        "Chambéry métropole Cœur des Bauges was part of the delegation",
        lambda: (
            meeting(CHAMBERY_MISSION)
            .organizations.filter(name="Chambéry métropole Cœur des Bauges")
            .exists()
        ),
    ),
    (
        "led by Xavier Dullin and Nathalie Colin-Cocchi, with Patrick Kanner and the president",
        lambda: (
            {"Xavier Dullin", "Nathalie Colin-Cocchi", "Patrick Kanner", "Laurent Wauquiez"}
            <= set(meeting(CHAMBERY_MISSION).contacts.values_list("name", flat=True))
        ),
    ),
    (
        "Nathalie Colin-Cocchi, deputy mayor in charge of international relations",
        lambda: (
            contact("Nathalie Colin-Cocchi").title
            == "Adjointe au Maire de Chambéry en charge des relations internationales"
        ),
    ),
    (
        "Patrick Kanner, minister for Sports and Youth",
        lambda: contact("Patrick Kanner").title == "Ministre des Sports et de la Jeunesse",
    ),
    (
        "Samuel Caillault, international relations of the Ville de Chambéry, 04 79 60 23 05",
        lambda: (
            (contact("Samuel Caillault").organization.name, contact("Samuel Caillault").phone)
            == ("Ville de Chambéry", "04 79 60 23 05")
        ),
    ),
    (
        "the mountain companies named in the delegation",
        lambda: (
            {"ID Group", "Géode", "Studio Arch", "Petzl", "Rossignol", "Salomon"}
            <= set(meeting(CHAMBERY_MISSION).organizations.values_list("name", flat=True))
        ),
    ),
    (
        "the Chambéry–Zhangjiakou letter of intent: February 2017, the day not given",
        lambda: (
            stage_path(CHAMBERY_ZJK)[0][0] == "letter_of_intent"
            and "no day" in Partnership.objects.get(title=CHAMBERY_ZJK).stage_changes.first().note
        ),
    ),
    (
        "MND's joint venture with CCZMMA, based in Zhangjiakou",
        lambda: (
            OrganizationRelation.objects.filter(
                source__name="MND", kind="joint_venture", target__name="CCZMMA"
            ).exists()
            and Organization.objects.get(name="CCZMMA").locality == "Zhangjiakou"
        ),
    ),
    (
        "a hundred jobs around Chambéry and 200 in Zhangjiakou",
        lambda: (
            "hundred jobs around Chambéry and 200 in Zhangjiakou"
            in Partnership.objects.get(title=MND).summary
        ),
    ),
    (
        "the MND contract was signed in February 2017: month precision",
        lambda: (
            Partnership.objects.get(title=MND).date_precision == "month"
            and Partnership.objects.get(title=MND).signed_on.month == 2
        ),
    ),
    (
        "Chamonix and Yanqing: cooperation agreement on cross tourism",
        lambda: (
            parties("Chamonix – Yanqing cross-tourism agreement")
            == {("Ville de Chamonix", "signatory"), ("Yanqing", "signatory")}
        ),
    ),
    (
        "the four themes' partners: USMB, Savoie Technolac, Savoie Grand Revard, La Féclaz, "
        "French Tech Chambéry",
        lambda: (
            {
                "Université Savoie Mont Blanc",
                "Savoie Technolac",
                "Savoie Grand Revard",
                "Club de ski nordique de La Féclaz",
                "French Tech Chambéry",
            }
            <= {name for name, _role in parties(CHAMBERY_ZJK)}
        ),
    ),
    (
        "Chambéry's partner cities Shawinigan and Turin",
        lambda: (
            set(
                OrganizationRelation.objects.filter(
                    source__name="Ville de Chambéry", kind="partner"
                ).values_list("target__name", flat=True)
            )
            >= {"Shawinigan", "Turin"}
        ),
    ),
    (
        "Zhangjiakou is in Hebei Province",
        lambda: Organization.objects.get(local_name="张家口市").parent.name == "Hebei Province",
    ),
    # Amiens, August 2019
    (
        "the Zhengzhou delegation was received from 25 to 27 August 2019",
        lambda: (
            (meeting(ZZ_2019).start_date, meeting(ZZ_2019).end_date, meeting(ZZ_2019).kind)
            == (D(2019, 8, 25), D(2019, 8, 27), "inbound_delegation")
        ),
    ),
    (
        "received by Armand Mazloumian, Pascal Fradcourt and Frédéric Lajoux",
        lambda: (
            {"Armand Mazloumian", "Pascal Fradcourt", "Frédéric Lajoux"}
            <= set(meeting(ZZ_2019).contacts.values_list("name", flat=True))
        ),
    ),
    (
        "Frédéric Lajoux, président Amiens Cluster",
        lambda: (
            (contact("Frédéric Lajoux").title, contact("Frédéric Lajoux").organization.name)
            == ("Président Amiens Cluster", "Amiens Cluster")
        ),
    ),
    (
        "Pascal Fradcourt, vice-president of Amiens Métropole for economic development",
        lambda: (
            contact("Pascal Fradcourt").title.startswith("Vice-président")
            and contact("Pascal Fradcourt").organization.name == "Amiens Métropole"
        ),
    ),
    (
        "Fany Ruin, présidente de la CCI Amiens-Picardie, at the CCI meeting",
        lambda: (
            contact("Fany Ruin").title == "Présidente de la CCI Amiens-Picardie"
            and attends("Fany Ruin", CCI_2019)
        ),
    ),
    (
        "the CCI meeting on Monday 26 August 2019 is announced, with four start-ups",
        lambda: (
            meeting(CCI_2019).start_date == D(2019, 8, 26)
            and meeting(CCI_2019).start_date.weekday() == 0
            and meeting(CCI_2019).status == "planned"
            and "4 Amiens start-ups" in meeting(CCI_2019).summary
        ),
    ),
    (
        "eZyness is an establishment of La Banque Postale",
        lambda: OrganizationRelation.objects.filter(
            source__name="eZyness", kind="subsidiary", target__name="La Banque Postale"
        ).exists(),
    ),
    (
        "the 2018 partnership was signed by Amiens Métropole, Amiens Cluster and the university",
        lambda: (
            parties(AMIENS)
            == {
                ("Amiens Métropole", "signatory"),
                ("Amiens Cluster", "signatory"),
                ("Université de Picardie Jules Verne", "signatory"),
                ("City of Zhengzhou", "signatory"),
            }
        ),
    ),
    (
        "the Amiens partnership was signed in 2018: year precision",
        lambda: (
            Partnership.objects.get(title=AMIENS).date_precision == "year"
            and Partnership.objects.get(title=AMIENS).signed_on.year == 2018
        ),
    ),
    (
        "ZIH and Yutong came to study a partnership: prospects, nothing more",
        lambda: (
            set(
                Partnership.objects.filter(
                    title__in=[
                        "Zhengzhou International Hub – partnership study",
                        "Yutong – partnership study",
                    ]
                ).values_list("stage", flat=True)
            )
            == {"prospect"}
        ),
    ),
    (
        "a delegation received in 2018 and the Zhengzhou fair of April 2019",
        lambda: (
            meeting("Delegation from Zhengzhou received in Amiens (2018)").date_precision == "year"
            and (
                meeting("Zhengzhou international business fair").start_date.replace(day=1),
                meeting("Zhengzhou international business fair").date_precision,
            )
            == (D(2019, 4, 1), "month")
        ),
    ),
    # Sophia Antipolis blog
    (
        "both agreements signed on Saturday 2 July 2016 by both parks",
        lambda: (
            all(
                Partnership.objects.get(title=title).signed_on == D(2016, 7, 2)
                and parties(title)
                == {
                    ("Sophia Antipolis", "signatory"),
                    ("Chengdu Hi-tech Industrial Development Zone", "signatory"),
                }
                for title in (SISTER_PARKS, CENTER)
            )
            and D(2016, 7, 2).weekday() == 5
        ),
    ),
    (
        "the parks are « Sister Parks »: a twinning",
        lambda: OrganizationRelation.objects.filter(
            source__name="Sophia Antipolis",
            kind="sister_city",
            target__name="Chengdu Hi-tech Industrial Development Zone",
        ).exists(),
    ),
    (
        "signed in the presence of the vice-premier, the prefect and the founder",
        lambda: (
            {"Yadong Liu", "Adolphe Colrat", "Pierre Laffitte"}
            == set(meeting(SOPHIA_SIGNING).contacts.values_list("name", flat=True))
            and contact("Adolphe Colrat").title == "Préfet des Alpes-Maritimes"
            and contact("Pierre Laffitte").title == "Père fondateur de Sophia Antipolis"
            and contact("Yadong Liu").title.startswith("Vice-Premier Ministre")
        ),
    ),
    (
        "signed on the Skema campus, in the margin of the forum",
        lambda: (
            meeting(SOPHIA_SIGNING).parent.title == SOPHIA_FORUM
            and "Skema" in meeting(SOPHIA_SIGNING).locality
        ),
    ),
    (
        "the pitch session and the six companies it names",
        lambda: (
            set(
                meeting(
                    "Pitch session of young Chinese and Côte d'Azur entrepreneurs"
                ).organizations.values_list("name", flat=True)
            )
            == {
                "ASK",
                "SolarCloth",
                "Cynsis",
                "Business Big Data",
                "Chengdu Everimaging Science and Technology",
                "Sichuan AOS Science and Technology",
            }
        ),
    ),
    (
        "the Coupe Chinhui and the China Matchmaking with the Enterprise Europe Network",
        lambda: (
            Meeting.objects.filter(title__startswith="Coupe Chinhui").exists()
            and Meeting.objects.filter(title__contains="Enterprise Europe Network").exists()
        ),
    ),
    (
        "the forum was organized by the Fondation, the Chengdu park and EUPIC",
        lambda: (
            {
                "Fondation Sophia Antipolis",
                "Chengdu Hi-tech Industrial Development Zone",
                "EU Project Innovation Center (EUPIC)",
            }
            <= set(meeting(SOPHIA_FORUM).organizations.values_list("name", flat=True))
        ),
    ),
    (
        "Chengdu Hi-tech Zone belongs to Sichuan Province",
        lambda: (
            Organization.objects.get(local_name="成都高新技术产业开发区").parent.name
            == "Sichuan Province"
        ),
    ),
]


def test_the_fact_list_is_long_enough():
    assert len(FACTS) >= 40


@pytest.mark.parametrize(("fact", "check"), FACTS, ids=[fact for fact, _check in FACTS])
def test_the_demo_matches_its_sources(demo, fact, check):
    assert check(), fact


def test_seed_demo_twice_changes_nothing(demo):
    before = table_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert table_counts() == before


def test_demo_users_have_their_roles(demo):
    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    assert users["admin"].is_superuser
    assert [g.name for g in users["manager"].groups.all()] == ["Manager"]
    assert [g.name for g in users["julien"].groups.all()] == ["Staff"]
    assert [g.name for g in users["mei"].groups.all()] == ["Staff"]
    assert users["manager"].check_password("manager-demo-2026")


def test_demo_organizations_are_searchable_by_local_name(demo):
    zhangjiakou = Organization.objects.get(local_name="张家口市")
    assert Organization.objects.search("张家口").filter(pk=zhangjiakou.pk).exists()
    assert {"Ville de Chambéry", "French Tech Chambéry"} <= set(
        Organization.objects.search("chambery").values_list("name", flat=True)
    )


def test_every_record_names_its_source_or_is_illustrative(demo):
    sources = set(demo_data.SOURCES.values())
    longest = max(len(a + " + " + b) for a in sources for b in sources)
    assert longest <= Meeting._meta.get_field("source_reference").max_length
    for model in (Organization, OrganizationRelation, Contact, Meeting, Action, Partnership):
        for record in model.objects.filter(is_illustrative=False):
            named = set(record.source_reference.split(" + "))
            assert named and named <= sources, (model.__name__, str(record))


def test_illustrative_records_are_never_dated_in_the_past(demo):
    today = timezone.localdate()
    assert Meeting.objects.filter(is_illustrative=True).count() == 3
    assert not Meeting.objects.filter(is_illustrative=True, start_date__lt=today).exists()
    illustrative_actions = Action.objects.filter(is_illustrative=True)
    assert illustrative_actions.exists()
    assert not illustrative_actions.filter(status="done").exists()
    assert set(
        StageChange.objects.filter(partnership__is_illustrative=True).values_list(
            "effective_date", flat=True
        )
    ) == {today}
    assert Contact.objects.filter(is_illustrative=True, title="").count() == 3


def test_done_actions_are_only_those_the_sources_report(demo):
    done = Action.objects.filter(status="done")
    assert done.count() == 2
    assert all(a.source_reference and not a.is_illustrative for a in done)
    assert all(a.completed_on <= D(2017, 4, 3) for a in done)


def test_the_demo_shows_every_state(demo):
    today = timezone.localdate()
    assert set(Meeting.objects.values_list("status", flat=True)) == {
        "planned",
        "held",
        "cancelled",
    }
    assert Meeting.objects.filter(status="planned", start_date__gt=today).exists()
    statuses = dict(Partnership.objects.values_list("status", "abandon_reason__name"))
    assert set(statuses) == {"active", "on_hold", "concluded", "abandoned"}
    assert statuses["abandoned"] == "Funding"
    assert Action.objects.overdue().exists() and Action.objects.filter(status="done").exists()
    assert Partnership.objects.renewal_due_between(today, today + datetime.timedelta(days=60))
    quiet = reports.stalled(today=today)
    assert SISTER_PARKS in {row.title for row in quiet.rows}
    assert set(OrganizationRelation.objects.values_list("kind", flat=True)) == {
        "sister_city",
        "joint_venture",
        "subsidiary",
        "member",
        "partner",
    }


def test_long_quiet_partnerships_get_no_action_loaded_today(demo):
    for title in (SISTER_PARKS, CENTER, POMA, MND, RUIJIN, CONTRACTS_2018):
        partnership = Partnership.objects.get(title=title)
        assert not partnership.actions.exists()
        assert partnership.last_activity_on < D(2019, 1, 1), title


def test_the_documentation_lists_every_record():
    text = (settings.BASE_DIR / "docs" / "demo-data.md").read_text()
    names = [
        *(spec["title"] for spec in demo_data.PARTNERSHIPS),
        *(spec["title"] for spec in demo_data.MEETINGS + demo_data.ILLUSTRATIVE_MEETINGS),
        *(spec["title"] for spec in demo_data.ACTIONS),
        *(spec["name"] for spec in demo_data.CONTACTS + demo_data.ORGANIZATIONS),
        *(spec["title"] for spec in demo_data.DOCUMENTS),
    ]
    assert [name for name in names if f"| {name} |" not in text and name not in text] == []


def test_every_demo_stage_history_starts_with_the_first_stage(demo):
    for partnership in Partnership.objects.all():
        first = partnership.stage_changes.first()
        assert (
            first.from_stage == ""
            and partnership.stage_changes.last().to_stage == partnership.stage
        )


def test_pages_show_month_precision_and_the_illustrative_badge(demo):
    client = client_for(get_user_model().objects.get(username="mei"))
    mnd = Partnership.objects.get(title=MND)
    page = client.get(mnd.get_absolute_url()).content.decode()
    assert "in this stage since February 2017" in page  # the source gives no day
    assert "<dd>February 2017</dd>" in page  # signed on
    assert 'class="badge illustrative"' not in page
    abandoned = Partnership.objects.get(status="abandoned")
    assert 'class="badge illustrative"' in client.get(abandoned.get_absolute_url()).content.decode()
    listed = client.get("/partnerships/", {"status": "abandoned"}).content.decode()
    assert abandoned.title in listed and 'class="badge illustrative"' in listed
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(meeting(REGION_MISSION).get_absolute_url()).content.decode()
    assert "février 2017" in french
    placeholder = Contact.objects.get(name="Yutong contact (to be identified)")
    assert "Illustratif" in client.get(placeholder.get_absolute_url()).content.decode()


def test_the_demo_has_a_likely_duplicate_for_managers_to_merge(demo):
    """Issue 14: the import-style "Ville de Zhangjiakou" and Zhangjiakou (张家口市)
    are paired on "Possible duplicates", which offers to merge them."""
    from django.urls import reverse

    from partnerships import duplicates

    duplicate = Organization.objects.get(name="Ville de Zhangjiakou")
    assert duplicate.is_illustrative and duplicate.local_name == ""
    pairs = duplicates.organization_candidates(Organization.objects.all())
    assert any(
        {pair.first.name, pair.second.name} == {"Zhangjiakou", "Ville de Zhangjiakou"}
        for pair in pairs
    )
    manager = get_user_model().objects.get(username="manager")
    page = client_for(manager).get(reverse("duplicates")).content.decode()
    assert "Ville de Zhangjiakou" in page and "张家口市" in page
