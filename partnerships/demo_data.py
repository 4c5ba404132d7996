"""The demo data set: the cooperation programmes the product was designed on
(SPEC section 5), as five published articles tell them.

Every record that carries facts names its source (``source``, one of the
``SOURCES`` below) and says only what that source says: names, dates, values,
places, titles and the roles of the parties. Where a source gives only a month
or a year, the record's date precision says so (``precision``) and the stored
day is a placeholder inside that month or year; where a stage change has no
day, its note says so. What no source supports is marked ``illustrative``:
placeholder contacts and organizations where a source names no one, and
plausible continuations dated from the day of loading (planned or cancelled
meetings, follow-up actions still to do, partnerships put on hold, concluded
or abandoned today). Nothing illustrative is dated in the past, so the demo
never invents a past outcome.

A date given as a number is a number of days from the day of loading
(``timezone.localdate()``). docs/demo-data.md lists every record with its
source or the word "illustrative".

Keys (``key``, and the keys they refer to) only link the records below
together; they are not stored.
"""

from __future__ import annotations

import datetime

D = datetime.date

# username, first name, last name, e-mail, role ("admin", "Manager", "Staff"), password
# (the demo's own staff: illustrative people, who log and own the records)
USERS = [
    ("admin", "Alice", "Admin", "admin@example.org", "admin", "admin-demo-2026"),
    ("manager", "Claire", "Dubois", "claire.dubois@example.org", "Manager", "manager-demo-2026"),
    ("julien", "Julien", "Morel", "julien.morel@example.org", "Staff", "staff-demo-2026"),
    ("mei", "Mei", "Zhang", "mei.zhang@example.org", "Staff", "staff-demo-2026"),
]

EXCHANGE_RATES = [
    # currency, euros for one unit, valid from (illustrative reference rates)
    ("CNY", "0.128000", D(2026, 1, 1)),
    ("USD", "0.920000", D(2026, 1, 1)),
]

# The five articles (their text is in the project's shared sources folder).
GRENOBLE_2017 = (
    "Grenoble-Isère economic news, 3 April 2017: “Fostering cooperation: the "
    "Auvergne-Rhône-Alpes region goes to Shanghai and Beijing”"
)
REGION_2018 = "Auvergne-Rhône-Alpes Region, release on the signings of 29 November 2018 in Chambéry"
CHAMBERY_2017 = (
    "Ville de Chambéry press release, 20 February 2017, on the mission of 14–18 February 2017"
)
AMIENS_2019 = "Amiens press article, August 2019, on the Zhengzhou delegation of 25–27 August 2019"
SOPHIA_2016 = (
    "Sophia Antipolis blog: « Sophia Antipolis signe un accord de jumelage avec Chengdu » "
    "(2 July 2016)"
)
SOURCES = {
    "grenoble_2017": GRENOBLE_2017,
    "region_2018": REGION_2018,
    "chambery_2017": CHAMBERY_2017,
    "amiens_2019": AMIENS_2019,
    "sophia_2016": SOPHIA_2016,
}


def _both(*sources: str) -> str:
    return " + ".join(sources)


# The Region's mission to Shanghai and Beijing: the Grenoble-Isère news of
# 3 April 2017 reports it as held and gives no date; the Chambéry release of
# 20 February 2017 says the Chambéry delegation of 14–18 February 2017 was part
# of the trip of the Region's president. So: February 2017, month precision,
# stored on the first day known (14 February).
MISSION_2017 = D(2017, 2, 14)
NO_DAY_FEB_2017 = "the source gives no day: February 2017, during the mission of 14–18 February"


def org(key: str, name: str, kind: str, country: str, source: str, **extra) -> dict:
    return {
        "key": key,
        "name": name,
        "kind": kind,
        "country": country,
        "source": source,
        "local_name": extra.pop("local_name", ""),
        "romanization": extra.pop("romanization", ""),
        "aliases": extra.pop("aliases", ""),
        "locality": extra.pop("locality", ""),
        "parent": extra.pop("parent", None),
        "sectors": extra.pop("sectors", []),
        "notes": extra.pop("notes", ""),
        "illustrative": extra.pop("illustrative", False),
        # The key of the organization this one duplicates on purpose (created anyway).
        "duplicate_of": extra.pop("duplicate_of", None),
        **extra,
    }


MOUNTAIN = ["mountain-winter-sports"]
TOURISM = ["tourism-hospitality"]

# Local names in Chinese script are general reference data, given only where
# well established; localities are the sources' own.
ORGANIZATIONS = [
    # China ---------------------------------------------------------------------------
    org("hebei", "Hebei Province", "region", "CN", REGION_2018,
        local_name="河北省", romanization="Hebei", aliases="Province du Hebei"),
    org("zhangjiakou", "Zhangjiakou", "city", "CN", CHAMBERY_2017,
        local_name="张家口市", romanization="Zhangjiakou", parent="hebei",
        aliases="City of Zhangjiakou\nVille de Zhangjiakou", sectors=MOUNTAIN,
        notes="A city of more than 900,000 inhabitants in Hebei Province, north of Beijing; "
        "it will host the alpine and Nordic events of the 2022 Games (Chambéry, 20 February "
        "2017)."),
    org("yanqing", "Yanqing", "city", "CN", CHAMBERY_2017,
        local_name="延庆", romanization="Yanqing", aliases="Ville de Yanqing", sectors=TOURISM),
    org("raissun", "Beijing Raissun Investment Co. Ltd", "company", "CN", GRENOBLE_2017,
        aliases="Beijing Raissun Investment\nRaissun", sectors=MOUNTAIN),
    org("thaiwoo", "Thaiwoo Ski Resort", "company", "CN", GRENOBLE_2017,
        aliases="Thaiwoo\nStation de ski de Thaiwoo", sectors=[*MOUNTAIN, *TOURISM],
        notes="A ski resort that will host events of the 2022 Winter Olympics (Grenoble-Isère, "
        "3 April 2017)."),
    org("cczmma", "CCZMMA", "company", "CN", CHAMBERY_2017,
        locality="Zhangjiakou", sectors=["industry-manufacturing"],
        notes="A new Chinese industrial group based in Zhangjiakou, in joint venture with MND "
        "(Chambéry, 20 February 2017)."),
    org("snowland", "Snowland Ski Resort", "company", "CN", GRENOBLE_2017,
        locality="North-west of Beijing", aliases="Snowland", sectors=[*MOUNTAIN, *TOURISM],
        notes="A new ski resort north-west of Beijing."),
    org("ruijin", "Ruijin Hospital", "hospital", "CN", GRENOBLE_2017,
        local_name="瑞金医院", romanization="Ruijin", locality="Shanghai",
        aliases="Ruijin university hospital", sectors=["health"],
        notes="University hospital, the 4th hospital in Shanghai (Grenoble-Isère, 3 April 2017)."),
    org("sitri", "Sitri", "education", "CN", GRENOBLE_2017,
        sectors=["microelectronics", "higher-education-research"],
        notes="A Chinese microelectronics research center that collaborates with the LETI and "
        "will be opening a location in Grenoble-Isère (Grenoble-Isère, 3 April 2017)."),
    org("beijing_2022", "Beijing 2022 Winter Olympics organizing committee", "government", "CN",
        GRENOBLE_2017, sectors=MOUNTAIN),
    org("hebei_companies", "Hebei companies (not named in the source)", "company", "CN",
        REGION_2018, illustrative=True,
        notes="Placeholder for the Hebei companies that signed the 12 company partnership "
        "contracts of 29 November 2018: the Region's release does not name them."),
    org("zhengzhou", "City of Zhengzhou", "city", "CN", AMIENS_2019,
        local_name="郑州市", romanization="Zhengzhou", aliases="Zhengzhou\nVille de Zhengzhou"),
    org("zz_hub", "Zhengzhou International Hub", "transport", "CN", AMIENS_2019,
        locality="Zhengzhou", aliases="ZIH", sectors=["transport-aviation"],
        notes="Runs the trains of the Silk Road (Amiens, August 2019)."),
    org("yutong", "Yutong", "company", "CN", AMIENS_2019,
        local_name="宇通", locality="Zhengzhou", aliases="Yu Tong",
        sectors=["transport-aviation", "industry-manufacturing"],
        notes="« 1er constructeur mondial de bus », the world's first bus maker (Amiens, August "
        "2019)."),
    org("sichuan", "Sichuan Province", "region", "CN", SOPHIA_2016,
        local_name="四川省", romanization="Sichuan", aliases="Province du Sichuan",
        notes="The first region of China for attracting foreign investment: more than 2,000 "
        "research laboratories, 168 incubators and more than 2.8 million high-tech experts "
        "(Sophia Antipolis blog)."),
    org("chengdu_htz", "Chengdu Hi-tech Industrial Development Zone", "tech_park", "CN",
        SOPHIA_2016, local_name="成都高新技术产业开发区", locality="Chengdu", parent="sichuan",
        aliases="Chengdu Hi-tech Zone\nParc technologique de Chengdu",
        sectors=["digital-smart-city"],
        notes="One of the main technology parks in China; it belongs to Sichuan Province."),
    org("eupic", "EU Project Innovation Center (EUPIC)", "cluster", "CN", SOPHIA_2016,
        locality="Chengdu", aliases="EUPIC",
        notes="Chengdu association, co-organizer of the Franco-Chinese forum."),
    org("bbd", "Business Big Data", "company", "CN", SOPHIA_2016,
        sectors=["digital-smart-city"], notes="Big Data, Fintech."),
    org("everimaging", "Chengdu Everimaging Science and Technology", "company", "CN",
        SOPHIA_2016, locality="Chengdu", sectors=["digital-smart-city"],
        notes="Digital imaging."),
    org("aos", "Sichuan AOS Science and Technology", "company", "CN", SOPHIA_2016,
        notes="Drones."),
    org("cn_government", "Government of the People's Republic of China", "government", "CN",
        SOPHIA_2016),
    # A likely duplicate, as a spreadsheet import brings one: Zhangjiakou under the name
    # the Region's release of 29 November 2018 gives it (« la Ville de Zhangjiakou »),
    # without its local name. "Possible duplicates" pairs it with Zhangjiakou (same key
    # once "Ville de" and 市 are set aside); merging it keeps one city (issue 14).
    org("zhangjiakou_import", "Ville de Zhangjiakou", "city", "CN", REGION_2018,
        parent="hebei", illustrative=True, duplicate_of="zhangjiakou",
        notes="Illustrative duplicate of Zhangjiakou, as an import of the Region's list of "
        "signatories would create it: merge it into Zhangjiakou."),
    # France --------------------------------------------------------------------------
    org("ara", "Auvergne-Rhône-Alpes Region", "region", "FR", REGION_2018,
        local_name="Région Auvergne-Rhône-Alpes", aliases="Région AURA\nAURA"),
    org("aepi", "AEPI", "other", "FR", GRENOBLE_2017, locality="Grenoble-Isère",
        notes="Helped highlight the digital success stories of Sino-French cooperation during "
        "the Region's mission (Grenoble-Isère, 3 April 2017)."),
    org("cluster_montagne", "Cluster Montagne", "cluster", "FR", CHAMBERY_2017,
        sectors=MOUNTAIN),
    org("chambery", "Ville de Chambéry", "city", "FR", CHAMBERY_2017,
        locality="Chambéry", aliases="Chambéry\nCity of Chambéry"),
    org("chambery_metropole", "Chambéry métropole Cœur des Bauges", "city", "FR",
        CHAMBERY_2017, locality="Chambéry"),
    org("usmb", "Université Savoie Mont Blanc", "education", "FR", CHAMBERY_2017,
        aliases="Université de Savoie Mont Blanc\nUSMB", sectors=["higher-education-research"]),
    org("technolac", "Savoie Technolac", "tech_park", "FR", CHAMBERY_2017,
        sectors=["sustainable-development-energy"]),
    org("grand_revard", "Savoie Grand Revard", "other", "FR", CHAMBERY_2017,
        sectors=MOUNTAIN),
    org("feclaz", "Club de ski nordique de La Féclaz", "cluster", "FR", CHAMBERY_2017,
        locality="La Féclaz", sectors=MOUNTAIN),
    org("french_tech", "French Tech Chambéry", "cluster", "FR", CHAMBERY_2017,
        locality="Chambéry", sectors=["digital-smart-city"]),
    org("shawinigan", "Shawinigan", "city", "CA", CHAMBERY_2017, locality="Québec"),
    org("turin", "Turin", "city", "IT", CHAMBERY_2017, aliases="Torino"),
    org("fr_government", "French Government", "government", "FR", CHAMBERY_2017),
    org("poma", "POMA", "company", "FR", GRENOBLE_2017, aliases="Poma",
        sectors=[*MOUNTAIN, "transport-aviation"]),
    org("mnd", "MND", "company", "FR", CHAMBERY_2017, aliases="MND Group",
        sectors=MOUNTAIN, notes="Savoie group (« groupe savoyard »)."),
    org("cda", "CDA", "company", "FR", REGION_2018, aliases="Compagnie des Alpes",
        sectors=[*MOUNTAIN, *TOURISM],
        notes="Named « Compagnie des Alpes » in the Chambéry release of 20 February 2017, "
        "« CDA » in the Region's release of 29 November 2018."),
    org("club_med", "Club Med", "company", "FR", REGION_2018, sectors=TOURISM),
    org("pvcp", "PVCP", "company", "FR", REGION_2018, sectors=TOURISM),
    org("sanisphere", "Sanisphere", "company", "FR", REGION_2018),
    org("snooc", "SNOOC", "company", "FR", REGION_2018, sectors=MOUNTAIN),
    org("esf_vt", "ESF Val Thorens", "education", "FR", REGION_2018,
        locality="Val Thorens", aliases="École de ski français de Val Thorens", sectors=MOUNTAIN),
    org("4foot", "4footsolutions", "company", "FR", REGION_2018),
    org("plasticval", "Plasticval", "company", "FR", REGION_2018),
    org("abest", "ABEST", "company", "FR", REGION_2018, sectors=MOUNTAIN),
    org("dianeige", "Dianeige", "company", "FR", REGION_2018, sectors=MOUNTAIN),
    org("mdp", "MDP", "company", "FR", REGION_2018, sectors=MOUNTAIN),
    org("id_group", "ID Group", "company", "FR", CHAMBERY_2017),
    org("geode", "Géode", "company", "FR", CHAMBERY_2017),
    org("studio_arch", "Studio Arch", "company", "FR", CHAMBERY_2017),
    org("petzl", "Petzl", "company", "FR", CHAMBERY_2017, sectors=MOUNTAIN),
    org("rossignol", "Rossignol", "company", "FR", CHAMBERY_2017, sectors=MOUNTAIN),
    org("salomon", "Salomon", "company", "FR", CHAMBERY_2017, sectors=MOUNTAIN),
    org("val_thorens", "Val Thorens ski resort", "other", "FR", REGION_2018,
        locality="Val Thorens", aliases="Station de ski de Val Thorens", sectors=MOUNTAIN),
    org("albertville", "Albertville", "city", "FR", REGION_2018, locality="Albertville"),
    org("chamonix", "Ville de Chamonix", "city", "FR", CHAMBERY_2017,
        locality="Chamonix", aliases="Chamonix", sectors=[*TOURISM, *MOUNTAIN]),
    org("hcl", "Hospices Civils de Lyon", "hospital", "FR", GRENOBLE_2017,
        locality="Lyon", aliases="Lyon university hospitals\nHCL", sectors=["health"]),
    org("chuga", "CHU Grenoble Alpes", "hospital", "FR", GRENOBLE_2017,
        locality="Grenoble", aliases="Grenoble university hospital", sectors=["health"]),
    org("leti", "CEA-Leti", "education", "FR", GRENOBLE_2017,
        locality="Grenoble", aliases="LETI\nCEA-LETI",
        sectors=["microelectronics", "higher-education-research"]),
    org("soitec", "Soitec", "company", "FR", GRENOBLE_2017, sectors=["microelectronics"],
        notes="A French company in the semiconductor industry that recently opened its "
        "capital to Chinese investors (Grenoble-Isère, 3 April 2017)."),
    org("adl", "Aéroports de Lyon", "transport", "FR", REGION_2018,
        locality="Lyon", sectors=["transport-aviation"]),
    org("amiens_metropole", "Amiens Métropole", "city", "FR", AMIENS_2019, locality="Amiens"),
    org("amiens_cluster", "Amiens Cluster", "cluster", "FR", AMIENS_2019, locality="Amiens",
        notes="Economic development association (« association de développement "
        "économique »)."),
    org("upjv", "Université de Picardie Jules Verne", "education", "FR", AMIENS_2019,
        locality="Amiens", aliases="Université d'Amiens\nUPJV",
        sectors=["higher-education-research"]),
    org("cci_amiens", "CCI Amiens-Picardie", "chamber", "FR", AMIENS_2019, locality="Amiens"),
    org("fcc", "French Chinese Center", "cluster", "FR", AMIENS_2019),
    org("ezyness", "eZyness", "company", "FR", AMIENS_2019),
    org("banque_postale", "La Banque Postale", "company", "FR", AMIENS_2019),
    org("sophia", "Sophia Antipolis", "tech_park", "FR", SOPHIA_2016,
        locality="Sophia Antipolis", aliases="Technopole Sophia Antipolis",
        sectors=["digital-smart-city"],
        notes="The Côte d'Azur wants China to be its first foreign investor by 2020 (Sophia "
        "Antipolis blog)."),
    org("fondation_sophia", "Fondation Sophia Antipolis", "cluster", "FR", SOPHIA_2016,
        locality="Sophia Antipolis"),
    org("skema", "Skema", "education", "FR", SOPHIA_2016, locality="Sophia Antipolis",
        notes="The agreements were signed on its campus."),
    org("prefecture_06", "Préfecture des Alpes-Maritimes", "government", "FR", SOPHIA_2016),
    org("ask", "ASK", "company", "FR", SOPHIA_2016, sectors=["digital-smart-city"],
        notes="NFC."),
    org("solarcloth", "SolarCloth", "company", "FR", SOPHIA_2016,
        sectors=["sustainable-development-energy"],
        notes="Photovoltaic coatings and fabrics."),
    org("cynsis", "Cynsis", "company", "FR", SOPHIA_2016, notes="Crisis management solutions."),
]  # fmt: skip

# source key, kind, target key, since, note, source — relations of the kinds the
# sources support: twinning (“Sister Parks”), joint venture, subsidiary, member,
# partner (a cooperation agreement is a partnership, not a twinning).
RELATIONS = [
    ("sophia", "sister_city", "chengdu_htz", D(2016, 7, 2),
     "« Sister Parks » twinning agreement", SOPHIA_2016),
    ("mnd", "joint_venture", "cczmma", None,
     "The joint venture announced the Snowland contract (February 2017)", CHAMBERY_2017),
    ("ezyness", "subsidiary", "banque_postale", None,
     "« eZyness, établissement de La Banque Postale »", AMIENS_2019),
    ("poma", "member", "cluster_montagne", None, "", REGION_2018),
    ("mnd", "member", "cluster_montagne", None, "", REGION_2018),
    ("cda", "member", "cluster_montagne", None, "", REGION_2018),
    ("abest", "member", "cluster_montagne", None, "", REGION_2018),
    ("dianeige", "member", "cluster_montagne", None, "", REGION_2018),
    ("mdp", "member", "cluster_montagne", None, "", REGION_2018),
    ("ara", "partner", "hebei", D(2018, 11, 29),
     "Cooperation agreement signed in Chambéry", REGION_2018),
    ("chambery", "partner", "zhangjiakou", D(2018, 11, 29),
     "Letter of intent in February 2017, cooperation agreement on 29 November 2018",
     _both(CHAMBERY_2017, REGION_2018)),
    ("chambery", "partner", "shawinigan", None, "Partner city of Chambéry", CHAMBERY_2017),
    ("chambery", "partner", "turin", None, "Partner city of Chambéry", CHAMBERY_2017),
    ("chamonix", "partner", "yanqing", None,
     "Cooperation agreement on cross tourism, February 2017", CHAMBERY_2017),
    ("amiens_metropole", "partner", "zhengzhou", None,
     "Economic and technological cooperation partnership, 2018", AMIENS_2019),
    ("sitri", "partner", "leti", None, "Sitri « collaborates with the LETI »", GRENOBLE_2017),
]  # fmt: skip

# The people the sources name, each with the title the source gives at its date
# (``positions``: organization key, title, date, source; the first is the one
# shown, the others let contact positions be derived later), and placeholders
# (illustrative) where a source names no one.
CONTACTS = [
    {
        "key": "wauquiez",
        "name": "Laurent Wauquiez",
        "organization": "ara",
        "positions": [
            ("ara", "Président de la Région Auvergne-Rhône-Alpes", D(2018, 11, 29), REGION_2018),
            ("ara", "President of the Auvergne-Rhône-Alpes region", D(2017, 4, 3), GRENOBLE_2017),
            ("ara", "Président de la région Auvergne Rhône Alpes", D(2017, 2, 20), CHAMBERY_2017),
        ],
    },
    {
        "key": "zhu",
        "name": "Haowen Zhu",
        "organization": "hebei",
        "positions": [
            ("hebei", "Secrétaire général de la Province du Hebei", D(2018, 11, 29), REGION_2018)
        ],
        "notes": "Led the Chinese delegation received in Chambéry on 29 November 2018.",
    },
    {
        "key": "dullin",
        "name": "Xavier Dullin",
        "organization": "chambery_metropole",
        "positions": [
            (
                "chambery_metropole",
                "Président délégué aux relations institutionnelles du Cluster Montagne et de "
                "Chambéry métropole Cœur des Bauges",
                D(2017, 2, 20),
                CHAMBERY_2017,
            )
        ],
        "notes": "Led the Chambéry mission of 14–18 February 2017. Title as published.",
    },
    {
        "key": "colin_cocchi",
        "name": "Nathalie Colin-Cocchi",
        "organization": "chambery",
        "positions": [
            (
                "chambery",
                "Adjointe au Maire de Chambéry en charge des relations internationales",
                D(2017, 2, 20),
                CHAMBERY_2017,
            )
        ],
        "notes": "Led the Chambéry mission of 14–18 February 2017.",
    },
    {
        "key": "caillault",
        "name": "Samuel Caillault",
        "organization": "chambery",
        "phone": "04 79 60 23 05",
        "positions": [
            (
                "chambery",
                "Relations internationales de la Ville de Chambéry",
                D(2017, 2, 20),
                CHAMBERY_2017,
            )
        ],
        "notes": "Contact for more information, as the press release gives it.",
    },
    {
        "key": "kanner",
        "name": "Patrick Kanner",
        "organization": "fr_government",
        "positions": [
            ("fr_government", "Ministre des Sports et de la Jeunesse", D(2017, 2, 20),
             CHAMBERY_2017)
        ],
        "notes": "The Chambéry mission was part of his trip and the Region president's.",
    },
    {
        "key": "mazloumian",
        "name": "Armand Mazloumian",
        "organization": "fcc",
        "positions": [
            (
                "fcc",
                "Président du French Chinese Center en France et Head of Business et "
                "Strategic Partnership Europe chez eZyness, établissement de La Banque Postale",
                D(2019, 8, 25),
                AMIENS_2019,
            )
        ],
    },
    {
        "key": "fradcourt",
        "name": "Pascal Fradcourt",
        "organization": "amiens_metropole",
        "positions": [
            (
                "amiens_metropole",
                "Vice-président en charge du développement économique et touristique "
                "d'Amiens Métropole",
                D(2019, 8, 26),
                AMIENS_2019,
            )
        ],
        "notes": "The article also calls him « vice-président d'Amiens Métropole » and, in one "
        "sentence, « Président Amiens Cluster », a title it gives Frédéric Lajoux twice.",
    },
    {
        "key": "lajoux",
        "name": "Frédéric Lajoux",
        "organization": "amiens_cluster",
        "positions": [("amiens_cluster", "Président Amiens Cluster", D(2019, 8, 25), AMIENS_2019)],
    },
    {
        "key": "ruin",
        "name": "Fany Ruin",
        "organization": "cci_amiens",
        "positions": [
            ("cci_amiens", "Présidente de la CCI Amiens-Picardie", D(2019, 8, 26), AMIENS_2019)
        ],
    },
    {
        "key": "liu",
        "name": "Yadong Liu",
        "organization": "cn_government",
        "positions": [
            (
                "cn_government",
                "Vice-Premier Ministre de la République Populaire de Chine",
                D(2016, 7, 2),
                SOPHIA_2016,
            )
        ],
        "notes": "Name as the source spells it. Also described there as « représentante du "
        "gouvernement chinois et Ministre Déléguée à l'Innovation ».",
    },
    {
        "key": "colrat",
        "name": "Adolphe Colrat",
        "organization": "prefecture_06",
        "positions": [
            ("prefecture_06", "Préfet des Alpes-Maritimes", D(2016, 7, 2), SOPHIA_2016)
        ],
    },
    {
        "key": "laffitte",
        "name": "Pierre Laffitte",
        "organization": "sophia",
        "positions": [("sophia", "Père fondateur de Sophia Antipolis", D(2016, 7, 2), SOPHIA_2016)],
    },
    # Placeholders: the sources name no one at these organizations.
    {
        "key": "zz_delegation",
        "name": "Zhengzhou delegation (members not named)",
        "organization": "zhengzhou",
        "illustrative": True,
        "notes": "Placeholder: the article speaks of « une délégation de responsables de la "
        "Ville de Zhengzhou » without naming them.",
    },
    {
        "key": "zih_contact",
        "name": "Zhengzhou International Hub contact (to be identified)",
        "organization": "zz_hub",
        "illustrative": True,
        "notes": "Placeholder: the article names no one at ZIH.",
    },
    {
        "key": "yutong_contact",
        "name": "Yutong contact (to be identified)",
        "organization": "yutong",
        "illustrative": True,
        "notes": "Placeholder: the article names no one at Yutong.",
    },
]  # fmt: skip

PLACEHOLDER = "Illustrative: no source reports this; a plausible next step for the demo."


def meeting(key: str, kind: str, status: str, title: str, start, **extra) -> dict:
    return {
        "key": key,
        "kind": kind,
        "status": status,
        "title": title,
        "start": start,
        "end": extra.pop("end", None),
        "precision": extra.pop("precision", "day"),
        "locality": extra.pop("locality", ""),
        "country": extra.pop("country", ""),
        "parent": extra.pop("parent", None),
        "organizations": extra.pop("organizations", []),
        "contacts": extra.pop("contacts", []),
        "attendees": extra.pop("attendees", []),
        "logged_by": extra.pop("logged_by", "julien"),
        "summary": extra.pop("summary", ""),
        "outcomes": extra.pop("outcomes", ""),
        "source": extra.pop("source", ""),
        "illustrative": extra.pop("illustrative", False),
        "discussed": extra.pop("discussed", []),
        "actions": extra.pop("actions", []),
        **extra,
    }


HEBEI_2018_SIGNATORIES = [
    "mnd", "cda", "club_med", "pvcp", "sanisphere", "snooc", "esf_vt", "4foot", "plasticval",
]  # fmt: skip

# Meetings, parents before their side meetings. Historical meetings have no
# internal attendees: the demo's staff are not people the sources name.
MEETINGS = [
    # Sophia Antipolis, July 2016 -----------------------------------------------------
    meeting(
        "sophia_forum_2016", "forum", "held",
        "Forum franco-chinois des futurs dirigeants d'entreprises scientifiques et "
        "technologiques",
        D(2016, 7, 2), locality="Sophia Antipolis", country="FR", logged_by="mei",
        organizations=["fondation_sophia", "chengdu_htz", "eupic", "sophia"],
        summary="Franco-Chinese forum of future leaders of science and technology companies, "
        "organized by the Fondation Sophia Antipolis, the Chengdu technology park and the "
        "Chengdu association « EU Project Innovation Center » (EUPIC). The signings in its "
        "margin took place on « Samedi 2 juillet », during Yadong Liu's visit to France: 2 July "
        "was a Saturday in 2016.",
        outcomes="In its margin, the Sophia Antipolis and Chengdu technology parks signed two "
        "cooperation agreements: the « Sister Parks » twinning and the « Sophia Antipolis-Chine "
        "Innovation Center ».",
        source=SOPHIA_2016,
    ),
    meeting(
        "sophia_signing_2016", "signing", "held",
        "Signing of the « Sister Parks » and Innovation Center agreements",
        D(2016, 7, 2), locality="Sophia Antipolis, Skema campus", country="FR",
        parent="sophia_forum_2016", logged_by="mei",
        organizations=["sophia", "chengdu_htz", "cn_government", "prefecture_06", "skema"],
        contacts=["liu", "colrat", "laffitte"],
        summary="Two cooperation agreements signed on the Skema campus during the visit to "
        "France of Yadong Liu, in the presence of the prefect of the Alpes-Maritimes, Adolphe "
        "Colrat, and of Pierre Laffitte, founder of Sophia Antipolis. They provide for a "
        "« coopération pragmatique » (Yadong Liu) in innovation, trade and investment.",
        outcomes="« Sister Parks » twinning agreement; agreement on the « Sophia Antipolis-Chine "
        "Innovation Center », a platform supporting young innovators and Sino-French "
        "technology projects.",
        source=SOPHIA_2016,
    ),
    meeting(
        "sophia_pitch_2016", "meeting", "held",
        "Pitch session of young Chinese and Côte d'Azur entrepreneurs",
        D(2016, 7, 2), precision="month", locality="Sophia Antipolis", country="FR",
        parent="sophia_forum_2016", logged_by="mei",
        organizations=["ask", "solarcloth", "cynsis", "bbd", "everimaging", "aos"],
        summary="ASK (NFC), SolarCloth (photovoltaic coatings and fabrics) and Cynsis (crisis "
        "management solutions) met the Chinese companies present: Business Big Data (Big "
        "Data, Fintech), Chengdu Everimaging Science and Technology (digital imaging) and "
        "Sichuan AOS Science and Technology (drones). Part of the forum; the source gives no "
        "day.",
        outcomes="Future partnerships identified with the Chinese companies present (in the "
        "source's words).",
        source=SOPHIA_2016,
    ),
    meeting(
        "chinhui_2016", "forum", "held",
        "Coupe Chinhui: « Symposium sino-française de l'entrepreneuriat et l'innovation des "
        "jeunes »",
        D(2016, 7, 2), precision="month", locality="Sophia Antipolis", country="FR",
        logged_by="mei", organizations=["sophia", "cn_government"],
        summary="A competition organized by the Chinese ministries of Education and of Science "
        "and Technology, which distinguishes Chinese innovators who have emigrated and "
        "supports their business projects in China. Held at Sophia Antipolis in the margin of "
        "Yadong Liu's visit; the source gives no day.",
        source=SOPHIA_2016,
    ),
    meeting(
        "matchmaking_2016", "meeting", "held",
        "China Matchmaking with the European Commission and the Enterprise Europe Network",
        D(2016, 7, 2), precision="month", locality="Sophia Antipolis", country="FR",
        logged_by="mei", organizations=["sophia"],
        summary="Large groups and entrepreneurs studied possibilities of Sino-French "
        "co-investment, in partnership with the European Commission and the Enterprise Europe "
        "Network. Held at Sophia Antipolis in the margin of Yadong Liu's visit; the source "
        "gives no day.",
        source=SOPHIA_2016,
    ),
    # The Region's mission, February 2017 ---------------------------------------------
    meeting(
        "region_mission_2017", "outbound_mission", "held",
        "Auvergne-Rhône-Alpes Region mission to Shanghai and Beijing",
        MISSION_2017, precision="month", locality="Shanghai and Beijing", country="CN",
        logged_by="manager",
        organizations=["ara", "aepi", "cluster_montagne", "sitri", "soitec", "ruijin", "hcl",
                       "chuga"],
        contacts=["wauquiez"],
        summary="Led by the Region's president, Laurent Wauquiez: a delegation of fifty "
        "companies, universities and local politicians, to develop cooperation between "
        "Auvergne-Rhône-Alpes and China in digital and mountain activities. Chinese company "
        "leaders and hedge fund managers met regional actors. The mission is part of a "
        "ten-year strategic plan to reinforce economic and academic cooperation between « the "
        "Shanghai province » and the Region. The article of 3 April 2017 gives no dates; the Chambéry release of 20 February "
        "2017 places the president's trip in February 2017.",
        outcomes="Approximately 15 agreements and contracts signed during the mission; « another "
        "notable agreement » was the renewal of the partnership between the Ruijin hospital and "
        "the Lyon and Grenoble university hospitals. The article also reports POMA's strategic "
        "contract with Beijing Raissun Investment (Thaiwoo) and MND's Snowland contract.",
        source=_both(GRENOBLE_2017, CHAMBERY_2017),
    ),
    meeting(
        "seminar_2017", "meeting", "held",
        "Seminar: opportunities for Chinese investments in Europe",
        MISSION_2017, precision="month", locality="", country="CN",
        parent="region_mission_2017", logged_by="mei",
        organizations=["ara", "sitri", "soitec"],
        summary="How the Auvergne-Rhône-Alpes region can provide opportunities for Chinese "
        "investments in Europe, with the participation of Sitri and Soitec.",
        source=GRENOBLE_2017,
    ),
    meeting(
        "ispo_alpitec_2017", "trade_fair", "held",
        "Cluster Montagne visits to ISPO and Alpitec China",
        MISSION_2017, precision="year", country="CN",
        organizations=["cluster_montagne", "hebei", "beijing_2022"],
        summary="In preparation for the 2022 Winter Olympics, the Cluster Montagne organized "
        "visits to ISPO and Alpitec China for regional actors of the mountain industry; they "
        "also met local authorities in Hebei and the 2022 Winter Olympics organizing "
        "committee. Reported in the article of 3 April 2017 on the Region's mission, with no "
        "date of its own.",
        outcomes="« The meetings enabled regional actors to confirm important partnerships. »",
        source=GRENOBLE_2017,
    ),
    meeting(
        "chambery_mission_2017", "outbound_mission", "held",
        "Chambéry delegation to Beijing and Zhangjiakou",
        D(2017, 2, 14), end=D(2017, 2, 18), locality="Beijing and Zhangjiakou", country="CN",
        parent="region_mission_2017",
        organizations=["chambery", "chambery_metropole", "cluster_montagne", "zhangjiakou",
                       "poma", "thaiwoo", "mnd", "cczmma", "chamonix", "yanqing", "cda",
                       "id_group", "geode", "mdp", "dianeige", "abest", "studio_arch", "petzl",
                       "rossignol", "salomon", "club_med", "fr_government"],
        contacts=["dullin", "colin_cocchi", "kanner", "wauquiez"],
        summary="Delegation of the Ville de Chambéry and Chambéry métropole Cœur des Bauges, "
        "led by Xavier Dullin and Nathalie Colin-Cocchi, within the trip of Patrick Kanner, "
        "minister for Sports and Youth, and Laurent Wauquiez, president of the Region, ahead "
        "of the 2022 Winter Games. The « montagne » delegation, coordinated by the Cluster "
        "Montagne, gathered elected officials, resort mayors and many companies (Compagnie "
        "des Alpes, Poma, MND, ID Group, Géode, MDP, Dianeige, ABEST, Studio Arch, Petzl, "
        "Rossignol, Salomon, Club Med…).",
        outcomes="Letter of intent between the Ville de Chambéry and the Ville de Zhangjiakou. "
        "Agreements and letters of intent signed, such as POMA with the Thaiwoo ski resort. "
        "MND's joint venture with CCZMMA announced a EUR 110 million turnkey contract for a "
        "new ski resort at Snowland, north-west of Beijing: about a hundred jobs around "
        "Chambéry and 200 in Zhangjiakou. Cooperation agreement between the Ville de Chamonix "
        "and the city of Yanqing on cross tourism (Mont Blanc and the Great Wall).",
        source=CHAMBERY_2017,
    ),
    meeting(
        "alpitec_evening_2017", "forum", "held",
        "France–China mountain promotion evening at Alpitec China 2017",
        D(2017, 1, 1), precision="year", country="CN",
        summary="A collective tourism action of the Auvergne-Rhône-Alpes–Hebei cooperation "
        "(« une soirée France-Chine de promotion de la montagne lors du salon Apitec China "
        "2017 »). The source gives the year only.",
        source=REGION_2018,
    ),
    meeting(
        "region_mission_feb_2018", "outbound_mission", "held",
        "Auvergne-Rhône-Alpes Region mission to China (February 2018)",
        D(2018, 2, 1), precision="month", country="CN", logged_by="manager",
        organizations=["ara"],
        summary="First steps of the Region's mission in China, « dès le mois de février puis en "
        "mai 2018 »; the release gives the months only.",
        source=REGION_2018,
    ),
    meeting(
        "region_mission_may_2018", "outbound_mission", "held",
        "Auvergne-Rhône-Alpes Region mission to China (May 2018)",
        D(2018, 5, 1), precision="month", country="CN", logged_by="manager",
        organizations=["ara"],
        summary="Second step of the Region's mission in China in 2018; the Hebei delegation's "
        "visit of November 2018 « directly echoes » it. The release gives the month only.",
        source=REGION_2018,
    ),
    # Hebei in Savoie, November 2018 --------------------------------------------------
    meeting(
        "hebei_visits_2018", "inbound_delegation", "held",
        "Hebei delegation's visits to Val Thorens and Albertville",
        D(2018, 11, 28), precision="month", locality="Val Thorens and Albertville",
        country="FR", logged_by="manager",
        organizations=["hebei", "val_thorens", "albertville"], contacts=["zhu"],
        summary="A day of visits to the Val Thorens ski resort and to Albertville by the "
        "Chinese delegation led by Haowen Zhu, before its reception in Chambéry on 29 November "
        "2018. The source gives no day for the visits.",
        source=REGION_2018,
    ),
    meeting(
        "forum_2018", "forum", "held",
        "Forum des JO d'hiver 2022 : quelles opportunités d'affaires et de partenariats entre le "
        "Hebei et Auvergne-Rhône-Alpes ?",
        D(2018, 11, 29), locality="Chambéry", country="FR", logged_by="manager",
        organizations=["ara", "hebei", "chambery", "zhangjiakou", *HEBEI_2018_SIGNATORIES,
                       "hebei_companies"],
        contacts=["wauquiez", "zhu"],
        summary="Forum on the business and partnership opportunities of the 2022 Winter Games "
        "between Hebei and Auvergne-Rhône-Alpes, with the Chinese delegation led by the "
        "secretary general of Hebei Province, Haowen Zhu. The Games (4–20 February 2022, in "
        "Beijing, Yanqing and Zhangjiakou) put Hebei at their heart: it hosts most alpine and "
        "Nordic events.",
        outcomes="At its close: cooperation agreements between the Region and Hebei Province "
        "and between the Ville de Chambéry and the Ville de Zhangjiakou; 12 partnership "
        "contracts between regional companies and Hebei companies.",
        source=REGION_2018,
    ),
    meeting(
        "signing_2018", "signing", "held",
        "Signing of the cooperation agreements and of the 12 company contracts",
        D(2018, 11, 29), locality="Chambéry", country="FR", parent="forum_2018",
        logged_by="manager",
        organizations=["ara", "hebei", "chambery", "zhangjiakou", *HEBEI_2018_SIGNATORIES,
                       "hebei_companies"],
        contacts=["wauquiez", "zhu"],
        summary="The Region, represented by its president Laurent Wauquiez, and Hebei "
        "Province; the Ville de Chambéry and the Ville de Zhangjiakou; then 12 partnership "
        "contracts between regional companies (MND, CDA, Club Med, PVCP, Sanisphere, SNOOC, "
        "ESF Val Thorens, 4footsolutions, Plasticval) and Hebei companies.",
        source=REGION_2018,
    ),
    meeting(
        "alpitec_2019", "trade_fair", "planned",
        "Cluster Montagne mission to Alpitec China and Hebei",
        D(2019, 1, 1), precision="month", country="CN",
        organizations=["cluster_montagne", "hebei"],
        summary="A mission of the Cluster Montagne and its companies to take part in Alpitec "
        "China (« Alpitec China 2018 », in the release's words) and to go to Hebei for new "
        "projects, in preparation in November 2018. No source reports it held.",
        source=REGION_2018,
    ),
    # Amiens and Zhengzhou, 2018-2019 -------------------------------------------------
    meeting(
        "zz_delegation_2018", "inbound_delegation", "held",
        "Delegation from Zhengzhou received in Amiens (2018)",
        D(2018, 1, 1), precision="year", locality="Amiens", country="FR", logged_by="mei",
        organizations=["zhengzhou", "amiens_metropole", "amiens_cluster"],
        summary="« Nous avons déjà reçu une délégation en 2018 » (Frédéric Lajoux). The source "
        "gives the year only.",
        source=AMIENS_2019,
    ),
    meeting(
        "zz_fair_2019", "trade_fair", "held",
        "Zhengzhou international business fair",
        D(2019, 4, 1), precision="month", locality="Zhengzhou", country="CN", logged_by="mei",
        organizations=["amiens_cluster", "zhengzhou"],
        summary="« Nous avons participé au grand salon international business de Zhengzhou en "
        "avril 2019 » (Frédéric Lajoux, Amiens Cluster). The source gives the month only.",
        source=AMIENS_2019,
    ),
    meeting(
        "zz_delegation_2019", "inbound_delegation", "held",
        "Delegation from Zhengzhou received in Amiens",
        D(2019, 8, 25), end=D(2019, 8, 27), locality="Amiens", country="FR", logged_by="mei",
        organizations=["zhengzhou", "amiens_metropole", "amiens_cluster", "fcc"],
        contacts=["mazloumian", "fradcourt", "lajoux", "zz_delegation"],
        summary="A delegation of officials of the City of Zhengzhou, received by Armand "
        "Mazloumian (French Chinese Center), Pascal Fradcourt (Amiens Métropole) and Frédéric "
        "Lajoux (Amiens Cluster), to build friendship and favour business opportunities with "
        "China.",
        source=AMIENS_2019,
    ),
    meeting(
        "cci_2019", "meeting", "planned",
        "Meeting at the CCI Amiens-Picardie with four Amiens start-ups",
        D(2019, 8, 26), locality="Amiens", country="FR", parent="zz_delegation_2019",
        logged_by="mei",
        organizations=["cci_amiens", "amiens_metropole", "amiens_cluster", "zhengzhou"],
        contacts=["ruin", "fradcourt", "lajoux", "zz_delegation"],
        summary="The high point of the visit, announced for Monday 26 August 2019 at the CCI, in "
        "the presence of Fany Ruin, Pascal Fradcourt and the president of Amiens Cluster: 4 "
        "Amiens start-ups meet Chinese representatives. On the agenda: how to develop "
        "innovative projects between the two cities, how to approach the Chinese market for "
        "French technologies, what support French companies can count on to reach Chinese "
        "buyers. The meeting is part of the Chinese « One belt, one road » project. The article "
        "announces it; no source reports how it went.",
        source=AMIENS_2019,
    ),
]  # fmt: skip

# Illustrative meetings: planned and cancelled ones, dated from the day of
# loading (logged after the partnerships they discuss).
ILLUSTRATIVE_MEETINGS = [
    meeting(
        "zih_call", "call", "planned", "Call with Zhengzhou International Hub on its partnership "
        "study", 9, country="FR", logged_by="mei", attendees=["mei"],
        organizations=["zz_hub", "amiens_cluster"], contacts=["zih_contact"],
        summary=PLACEHOLDER, illustrative=True, discussed=["zz_hub"],
    ),
    meeting(
        "hebei_review", "meeting", "planned",
        "Auvergne-Rhône-Alpes–Hebei cooperation: yearly review", 35, locality="Lyon",
        country="FR", logged_by="manager", attendees=["manager", "julien"],
        organizations=["ara", "hebei"], summary=PLACEHOLDER, illustrative=True,
        discussed=["ara_hebei"],
        actions=[
            {
                "title": "Prepare the agenda of the yearly review with Hebei",
                "lead": "ara",
                "owner": "manager",
                "priority": "normal",
                "due": 28,
            }
        ],
    ),
    meeting(
        "sitri_visit", "meeting", "cancelled", "Visit to Sitri's planned Grenoble site", 15,
        locality="Grenoble", country="FR", logged_by="mei", attendees=["mei"],
        organizations=["sitri"],
        summary="Illustrative: cancelled, to be set again; no source reports this.",
        illustrative=True, discussed=["sitri_grenoble"],
    ),
]  # fmt: skip


def partnership(key: str, title: str, kind: str, stages: list, parties: list, **extra) -> dict:
    return {
        "key": key,
        "title": title,
        "kind": kind,
        "stages": stages,
        "parties": parties,
        "sectors": extra.pop("sectors", []),
        "owner": extra.pop("owner", "julien"),
        "team": extra.pop("team", []),
        "value": extra.pop("value", None),
        "signed_on": extra.pop("signed_on", None),
        "precision": extra.pop("precision", "day"),
        "start": extra.pop("start", None),
        "end": extra.pop("end", None),
        "notice_days": extra.pop("notice_days", None),
        "tacit": extra.pop("tacit", False),
        "origin": extra.pop("origin", None),
        "discussed": extra.pop("discussed", []),
        "source": extra.pop("source", ""),
        "summary": extra.pop("summary", ""),
        "illustrative": extra.pop("illustrative", False),
        # (status, note, abandon reason name), changed on the day of loading
        "status": extra.pop("status", None),
        **extra,
    }


S, P = "signatory", "partner"

# Stage history: (stage, effective date, note[, precision]); a date from the day
# of loading when a number. Where the source gives no day, the precision and the
# note say so.
PARTNERSHIPS = [
    partnership(
        "ara_hebei", "Auvergne-Rhône-Alpes – Hebei cooperation agreement", "institutional",
        [("agreement", D(2018, 11, 29),
          "Signed in Chambéry at the close of the forum on the 2022 Winter Games.")],
        [("ara", S), ("hebei", S)],
        sectors=["mountain-winter-sports", "tourism-hospitality"],
        owner="manager", team=["julien"], signed_on=D(2018, 11, 29),
        origin="forum_2018",
        discussed=["region_mission_feb_2018", "region_mission_may_2018", "forum_2018",
                   "signing_2018", "hebei_visits_2018"],
        source=_both(REGION_2018, CHAMBERY_2017),
        summary="Cooperation agreement between the Region, represented by its president "
        "Laurent Wauquiez, and Hebei Province, signed in Chambéry on 29 November 2018 ahead of "
        "the 2022 Winter Games. Aim: support the Region's mountain and tourism actors in "
        "reaching the Chinese market and, in time, attract Chinese tourists. Within a year, "
        "regional Cluster Montagne companies established in China (POMA, MND, CDA, ABEST, "
        "Dianeige, MDP…) won new contracts there. The Chambéry release of 20 February 2017 "
        "already refers to the strategic plan of the Auvergne-Rhône-Alpes cooperation defined "
        "with Hebei for the next 10 years.",
    ),
    partnership(
        "chambery_zjk", "Chambéry – Zhangjiakou cooperation", "institutional",
        [("letter_of_intent", MISSION_2017, f"Letter of intent; {NO_DAY_FEB_2017}.", "month"),
         ("agreement", D(2018, 11, 29), "Cooperation agreement signed in Chambéry.")],
        [("chambery", S), ("zhangjiakou", S), ("usmb", P), ("technolac", P),
         ("grand_revard", P), ("feclaz", P), ("french_tech", P)],
        sectors=["higher-education-research", "tourism-hospitality",
                 "sustainable-development-energy", "mountain-winter-sports", "digital-smart-city"],
        team=["mei"], signed_on=D(2018, 11, 29), origin="chambery_mission_2017",
        discussed=["chambery_mission_2017", "forum_2018", "signing_2018"],
        source=_both(CHAMBERY_2017, REGION_2018),
        summary="Priority themes of the letter of intent: university cooperation on training "
        "in mountain, tourism and hospitality (Université Savoie Mont Blanc); sustainable "
        "development and renewable energy (Chambéry and Savoie Technolac); sport, "
        "cross-country skiing and biathlon (Savoie Grand Revard, the La Féclaz Nordic ski "
        "club, the Bauges massif); smart city and digital innovation between start-ups "
        "(French Tech Chambéry).",
    ),
    partnership(
        "company_contracts_2018",
        "12 partnership contracts between regional and Hebei companies", "commercial",
        [("contract", D(2018, 11, 29), "Ratified in Chambéry after the forum.")],
        [*[(key, S) for key in HEBEI_2018_SIGNATORIES], ("hebei_companies", S)],
        sectors=["mountain-winter-sports", "tourism-hospitality"],
        signed_on=D(2018, 11, 29), origin="forum_2018",
        discussed=["forum_2018", "signing_2018"], source=REGION_2018,
        summary="12 partnership contracts between regional companies (the release names MND, "
        "CDA, Club Med, PVCP, Sanisphere, SNOOC, ESF Val Thorens, 4footsolutions and "
        "Plasticval) and Hebei companies, which it does not name; it does not say which "
        "company signed which contract.",
    ),
    partnership(
        "poma_thaiwoo", "POMA – Beijing Raissun: ski lifts for Thaiwoo", "commercial",
        [("letter_of_intent", MISSION_2017, "The delegation took part in the signing of "
          f"agreements and letters of intent, such as POMA with the Thaiwoo ski resort; "
          f"{NO_DAY_FEB_2017}.", "month"),
         ("contract", D(2017, 4, 3), "Strategic contract reported as signed in the "
          "Grenoble-Isère news of 3 April 2017; the source gives no signing day.")],
        [("poma", S), ("raissun", S), ("thaiwoo", P)],
        sectors=["mountain-winter-sports"],
        value=("200000000", "EUR", "more than; investment over the next five to ten years"),
        origin="chambery_mission_2017",
        discussed=["chambery_mission_2017", "region_mission_2017"],
        source=_both(CHAMBERY_2017, GRENOBLE_2017),
        summary="POMA and Beijing Raissun Investment signed a strategic contract to develop "
        "Thaiwoo, a ski resort that will host events of the 2022 Winter Olympics: POMA will be "
        "the sole supplier of ski lifts (an investment of more than €200 million over the "
        "next five to ten years).",
    ),
    partnership(
        "mnd_snowland", "MND – Snowland turnkey contract", "commercial",
        [("contract", MISSION_2017, f"Contract announced by MND's joint venture with CCZMMA; "
          f"{NO_DAY_FEB_2017}.", "month")],
        [("mnd", S), ("cczmma", S), ("snowland", P)],
        sectors=["mountain-winter-sports"], team=["manager"],
        value=("110000000", "EUR", "turnkey construction contract"),
        signed_on=MISSION_2017, precision="month", origin="chambery_mission_2017",
        discussed=["chambery_mission_2017", "region_mission_2017"],
        source=_both(CHAMBERY_2017, GRENOBLE_2017),
        summary="The MND Group won its bid to provide a turnkey solution for the new Snowland "
        "ski resort, north-west of Beijing: the construction contract (EUR 110 million) "
        "includes next-generation ski lifts, snowmaking equipment, and security and signage "
        "equipment. Signed by MND's joint venture with CCZMMA, a new industrial group based "
        "in Zhangjiakou. About a hundred jobs around Chambéry and 200 in Zhangjiakou.",
    ),
    partnership(
        "chamonix_yanqing", "Chamonix – Yanqing cross-tourism agreement", "institutional",
        [("agreement", MISSION_2017, f"Cooperation agreement; {NO_DAY_FEB_2017}.", "month")],
        [("chamonix", S), ("yanqing", S)],
        sectors=["tourism-hospitality"], signed_on=MISSION_2017, precision="month",
        origin="chambery_mission_2017", discussed=["chambery_mission_2017"],
        source=CHAMBERY_2017,
        summary="Cooperation agreement between the Ville de Chamonix and the city of Yanqing to "
        "promote cross tourism centred on the symbols of their territories: Mont Blanc and "
        "the Great Wall of China.",
    ),
    partnership(
        "ruijin", "Ruijin hospital – Lyon and Grenoble university hospitals", "health",
        [("renewal", MISSION_2017, "Renewal of the partnership during the Region's mission to "
          "Shanghai and Beijing, reported on 3 April 2017; February 2017, no day given.", "month")],
        [("ruijin", S), ("hcl", S), ("chuga", S)],
        sectors=["health"], owner="mei", signed_on=MISSION_2017, precision="month",
        origin="region_mission_2017", discussed=["region_mission_2017"],
        source=_both(GRENOBLE_2017, CHAMBERY_2017),
        summary="Renewal of a partnership between the Ruijin university hospital (4th hospital "
        "in Shanghai) and the Lyon and Grenoble university hospitals: « another notable "
        "agreement » of the mission.",
    ),
    partnership(
        "sitri_grenoble", "Sitri – a location in Grenoble-Isère", "investment",
        [("prospect", D(2017, 4, 3), "Sitri « will be opening a location in Grenoble-Isère » "
          "(Grenoble-Isère news, 3 April 2017).")],
        [("sitri", P)],
        sectors=["microelectronics"], owner="mei", origin="seminar_2017",
        discussed=["seminar_2017"], source=GRENOBLE_2017,
        summary="Sitri, a Chinese microelectronics research center that collaborates with the "
        "LETI, will be opening a location in Grenoble-Isère.",
    ),
    partnership(
        "amiens_zhengzhou", "Amiens – Zhengzhou economic and technological cooperation",
        "institutional",
        [("agreement", D(2018, 1, 1), "Signed in 2018; the source gives the year only.", "year")],
        [("amiens_metropole", S), ("amiens_cluster", S), ("upjv", S), ("zhengzhou", S)],
        sectors=["higher-education-research"], owner="mei", team=["manager"],
        signed_on=D(2018, 1, 1), precision="year",
        discussed=["zz_delegation_2019", "cci_2019", "zz_fair_2019"], source=AMIENS_2019,
        summary="Economic and technological cooperation partnership signed in 2018 by the "
        "Zhengzhou delegation with Amiens Métropole, Amiens Cluster and the Université "
        "d'Amiens.",
    ),
    partnership(
        "zz_hub", "Zhengzhou International Hub – partnership study", "commercial",
        [("prospect", D(2019, 8, 1), "Reported in the Amiens article of August 2019 (no day "
          "given): ZIH came to Amiens to study the possibility of a partnership.", "month")],
        [("zz_hub", P), ("amiens_cluster", P)],
        sectors=["transport-aviation"], owner="mei", discussed=["zz_delegation_2019"],
        source=AMIENS_2019,
        summary="« Nous sommes en contact direct avec deux grandes entreprises de Zhengzhou, qui "
        "sont venues à Amiens pour étudier la possibilité d'un partenariat » (Frédéric "
        "Lajoux): Zhengzhou International Hub, which runs the Silk Road trains.",
    ),
    partnership(
        "yutong", "Yutong – partnership study", "commercial",
        [("prospect", D(2019, 8, 1), "Reported in the Amiens article of August 2019 (no day "
          "given): Yutong came to Amiens to study the possibility of a partnership.", "month")],
        [("yutong", P), ("amiens_cluster", P)],
        sectors=["transport-aviation"], owner="mei", team=["julien"],
        discussed=["zz_delegation_2019"], source=AMIENS_2019,
        summary="Yutong (« Yu Tong, 1er constructeur mondial de bus ») came to Amiens to study "
        "the possibility of a partnership; the article does not say what it would be.",
    ),
    partnership(
        "sister_parks", "Sophia Antipolis – Chengdu Hi-tech Zone « Sister Parks »",
        "institutional",
        [("agreement", D(2016, 7, 2), "Twinning agreement signed on Saturday 2 July 2016 on "
          "the Skema campus, in the margin of the Franco-Chinese forum.")],
        [("sophia", S), ("chengdu_htz", S)],
        sectors=["digital-smart-city", "sustainable-development-energy", "health"], owner="mei",
        signed_on=D(2016, 7, 2), origin="sophia_forum_2016",
        discussed=["sophia_forum_2016", "sophia_signing_2016"],
        source=SOPHIA_2016,
        summary="Twinning of the two technology parks, now « Sister Parks »: national anchor "
        "points for each other, with seminars, conferences, matchmaking sessions and "
        "entrepreneurs' forums planned in information technologies, eco-technologies and "
        "biomedicine; bilateral training programmes and delegation visits under study.",
    ),
    partnership(
        "sophia_center", "Sophia Antipolis-Chine Innovation Center", "institutional",
        [("agreement", D(2016, 7, 2), "Signed on Saturday 2 July 2016, with the « Sister "
          "Parks » agreement.")],
        [("sophia", S), ("chengdu_htz", S)],
        sectors=["digital-smart-city"], owner="mei", signed_on=D(2016, 7, 2),
        origin="sophia_forum_2016", discussed=["sophia_signing_2016"], source=SOPHIA_2016,
        summary="A platform to support young innovators and Sino-French technology projects.",
    ),
    # Illustrative: the states no source reports, reached on the day of loading.
    partnership(
        "technolac_exchange", "Savoie Technolac – Zhangjiakou renewable-energy exchange",
        "academic", [("agreement", 0, "Illustrative record.")],
        [("technolac", P), ("zhangjiakou", P)],
        sectors=["sustainable-development-energy"], end=200, notice_days=180,
        illustrative=True,
        summary="Illustrative: shows a renewal coming due. The sustainable-development theme "
        "of the Chambéry–Zhangjiakou letter of intent is real; this agreement is not.",
    ),
    partnership(
        "nordic_exchange", "Savoie Grand Revard – Zhangjiakou Nordic sport exchanges",
        "institutional", [("prospect", 0, "Illustrative record.")],
        [("grand_revard", P), ("zhangjiakou", P)],
        sectors=["mountain-winter-sports"], illustrative=True,
        status=("on_hold", "Illustrative: on hold until a programme is proposed.", None),
        summary="Illustrative: shows a partnership on hold. No source reports such a project "
        "beyond the sport theme of the Chambéry–Zhangjiakou letter of intent.",
    ),
    partnership(
        "startup_introductions", "Introductions of Amiens start-ups to Zhengzhou buyers",
        "commercial", [("prospect", 0, "Illustrative record.")],
        [("amiens_cluster", P), ("cci_amiens", P), ("zhengzhou", P)],
        owner="mei", illustrative=True,
        status=("concluded", "Illustrative: closed to show a concluded partnership; no source "
                "reports an outcome.", None),
        summary="Illustrative: shows a concluded partnership.",
    ),
    partnership(
        "fair_stand", "Joint stand of Amiens companies at a Zhengzhou business fair",
        "commercial", [("prospect", 0, "Illustrative record.")],
        [("amiens_cluster", P), ("zhengzhou", P)],
        owner="mei", illustrative=True,
        status=("abandoned", "Illustrative: abandoned to show the state; no source reports it.",
                "Funding"),
        summary="Illustrative: shows an abandoned prospect with its reason.",
    ),
]  # fmt: skip


def action(title: str, partnership_key: str, **extra) -> dict:
    return {
        "title": title,
        "partnership": partnership_key,
        "meeting": extra.pop("meeting", None),
        "lead": extra.pop("lead", None),
        "owner": extra.pop("owner", "julien"),
        "side": extra.pop("side", "ours"),
        "priority": extra.pop("priority", "normal"),
        "status": extra.pop("status", "open"),
        "due": extra.pop("due", None),
        "completed_on": extra.pop("completed_on", None),
        "outcome": extra.pop("outcome", ""),
        "details": extra.pop("details", ""),
        "source": extra.pop("source", ""),
        "illustrative": extra.pop("illustrative", False),
        **extra,
    }


# Follow-up actions. From the sources: what they report as done (completion
# day: the source's own when it gives none), under way or planned (no due date
# unless the source gives one). Illustrative: the next steps, due from today.
ACTIONS = [
    action(
        "Study of a direct Lyon–China air route (Beijing or Shanghai)", "ara_hebei",
        meeting="forum_2018", lead="adl", owner="manager", side="partner", priority="high",
        status="in_progress", source=REGION_2018,
        details="« Une liaison directe entre Lyon et la Chine (Pékin ou Shanghai) est en effet à "
        "l'étude. Le projet est porté par la société Aéroports de Lyon. À suivre… »",
    ),
    action(
        "ESF Val Thorens ski school in Zhangjiakou", "ara_hebei",
        meeting="forum_2018", lead="esf_vt", side="partner", source=REGION_2018,
        details="« L'École de ski français de Val Thorens prévoit pour sa part la mise en place "
        "d'une école de ski à Zhangjiakou. »",
    ),
    action(
        "Bids on training sites next to the Olympic venues", "ara_hebei",
        meeting="forum_2018", lead="cluster_montagne", side="partner", source=REGION_2018,
        details="Cluster Montagne companies established in China (POMA, MND, CDA, ABEST, "
        "Dianeige, MDP…) are positioning themselves on the next calls for tender for sites "
        "next to the Olympic venues, training sites in particular.",
    ),
    action(
        "Cluster Montagne mission to Alpitec China and Hebei (January 2019)", "ara_hebei",
        meeting="alpitec_2019", lead="cluster_montagne", side="partner", due=D(2019, 1, 31),
        source=REGION_2018,
        details="In preparation in November 2018 for January 2019 (the release gives the month "
        "only). No source reports its outcome, so it stays open.",
    ),
    action(
        "Organize visits to ISPO and Alpitec China for regional mountain actors", "ara_hebei",
        meeting="ispo_alpitec_2017", lead="cluster_montagne", side="partner", status="done",
        completed_on=D(2017, 4, 3), source=GRENOBLE_2017,
        details="Completed on: the date of the article that reports it (it gives no day).",
        outcome="Participants also met local authorities in Hebei and the 2022 Winter Olympics "
        "organizing committee: « the meetings enabled regional actors to confirm important "
        "partnerships ».",
    ),
    action(
        "Coordinate the « montagne » delegation of the February 2017 mission", "chambery_zjk",
        meeting="chambery_mission_2017", lead="cluster_montagne", side="partner",
        status="done", completed_on=D(2017, 2, 18), source=CHAMBERY_2017,
        details="Completed on: the last day of the mission (14–18 February 2017).",
        outcome="A delegation of elected officials, resort mayors and many companies "
        "(Compagnie des Alpes, Poma, MND, ID Group, Géode, MDP, Dianeige, ABEST, Studio Arch, "
        "Petzl, Rossignol, Salomon, Club Med…).",
    ),
    # Illustrative next steps.
    action(
        "Confirm the date of the next call with Zhangjiakou", "chambery_zjk",
        lead="chambery", due=-4, illustrative=True, details=PLACEHOLDER,
    ),
    action(
        "Send Zhengzhou International Hub the questions for the call", "zz_hub",
        lead="amiens_cluster", owner="mei", due=5, illustrative=True, details=PLACEHOLDER,
    ),
    action(
        "Ask Yutong which partnership it would study in Amiens", "yutong",
        lead="yutong", owner="mei", priority="low", due=14, illustrative=True,
        details=PLACEHOLDER,
    ),
    action(
        "Propose new dates for the visit to Sitri's Grenoble site", "sitri_grenoble",
        lead="sitri", owner="mei", due=10, illustrative=True, details=PLACEHOLDER,
    ),
    action(
        "Propose a follow-up programme to Zhengzhou", "amiens_zhengzhou",
        lead="amiens_metropole", owner="mei", due=30, illustrative=True, details=PLACEHOLDER,
    ),
    action(
        "Decide whether to renew the Savoie Technolac – Zhangjiakou exchange",
        "technolac_exchange", lead="technolac", priority="high", due=18, illustrative=True,
        details=PLACEHOLDER,
    ),
]  # fmt: skip

# Documents attached to partnerships: extracts of the published texts.
DOCUMENTS = [
    {
        "partnership": "ara_hebei",
        "meeting": "signing_2018",
        "kind": "press_release",
        "title": "Region release on the signings of 29 November 2018 (extract)",
        "file_name": "region-release-2018-11-29-extract.txt",
        "uploaded_by": "manager",
        "text": (
            "Extract of the Auvergne-Rhône-Alpes Region's release: « Coopération renforcée "
            "entre les acteurs régionaux de la montagne et la province chinoise du Hebei ».\n\n"
            "De nouveaux accords de coopération et des contrats de partenariat entre "
            "entreprises ont été signés le 29 novembre à Chambéry dans le cadre de la "
            "coopération entre Auvergne-Rhône-Alpes et la Province du Hebei, en amont des Jeux "
            "Olympiques d'hiver de 2022.\n\n"
            "À l'issue du « Forum des JO d'hiver 2022 : quelles opportunités d'affaires et de "
            "partenariats entre le Hebei et Auvergne-Rhône-Alpes ? », des accords de "
            "coopération entre la Région, représentée par son président Laurent Wauquiez, et "
            "la Province du Hebei, ainsi qu'entre la Ville de Chambéry et la Ville de "
            "Zhangjiakou ont été signés. Dans la foulée, 12 contrats de partenariats entre des "
            "entreprises régionales (MND, CDA, Club Med, PVCP, Sanisphere, SNOOC, ESF Val "
            "Thorens, 4footsolutions, Plasticval) et du Hebei ont également été ratifiés.\n"
        ),
    },
    {
        "partnership": "chambery_zjk",
        "meeting": "chambery_mission_2017",
        "kind": "press_release",
        "title": "Ville de Chambéry press release of 20 February 2017 (extract)",
        "file_name": "chambery-release-2017-02-20-extract.txt",
        "uploaded_by": "julien",
        "text": (
            "Extract of the Ville de Chambéry press release of 20/02/2017: « Chambéry "
            "s'engage avec la Ville de Zhangjiakou en Chine, futur site des JO d'Hiver Pékin "
            "2022 ».\n\n"
            "Afin de mettre en place un cadre institutionnel favorable à ces échanges "
            "économiques, la Ville de Chambéry a signé une lettre d'intention avec la Ville de "
            "Zhangjiakou (province du Hebei) qui accueillera les épreuves alpines et "
            "nordiques des JO de 2022.\n"
        ),
    },
]

# Targets and yearly results (docs/indicators.md). The sources give targets
# only: the Chambéry release of 20 February 2017 announces, with MND's joint
# venture with CCZMMA, « une centaine d'emplois » around Chambéry and 200 in
# Zhangjiakou. No source reports what was achieved, so the only yearly
# results are on an illustrative line, marked as such.
INDICATOR_LINES = [
    {
        "partnership": "mnd_snowland",
        "indicator": "jobs-created",
        "label": "around Chambéry",
        "target": "100",
        "notes": "Announced as « une centaine d'emplois » (about a hundred) in the greater "
        "Chambéry area, with MND's joint venture with CCZMMA.",
        "source": CHAMBERY_2017,
        "results": [],
    },
    {
        "partnership": "mnd_snowland",
        "indicator": "jobs-created",
        "label": "in Zhangjiakou",
        "target": "200",
        "notes": "Announced with MND's joint venture with CCZMMA, a new industrial group "
        "based in Zhangjiakou.",
        "source": CHAMBERY_2017,
        "results": [],
    },
    {
        "partnership": "chambery_zjk",
        "indicator": "students-exchanged",
        "label": "",
        "target": "30",
        "target_year": 2027,
        "notes": PLACEHOLDER,
        "source": "",
        "results": [(2019, "8", PLACEHOLDER), (2024, "10", PLACEHOLDER)],
    },
]
