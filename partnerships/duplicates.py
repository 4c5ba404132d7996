"""Near-duplicate detection: the comparison key of an organization or contact,
and the candidate pairs that managers review on the "Possible duplicates" page.

Duplicates arrive with every import and every visit: 张家口市, Zhangjiakou and
Ville de Zhangjiakou are one city. A comparison key reduces a name to what
tells organizations apart:

- accents, case, spacing and punctuation are ignored (as in ``name_key``);
- words that say what kind of body it is, not which one, are set aside:
  "Ville de", "City of", "市", "省", "Province of", "Région", "Municipality",
  "People's Government", company suffixes ("Co., Ltd", "Group", "SA", "SAS")...;
- a name in Chinese script is compared through its pinyin (pypinyin), so the
  local name 张家口市 and the romanization Zhangjiakou meet.

The key is stored (``Organization.match_key``, ``Contact.match_key``), kept in
step with the names on save like ``name_key`` and ``search_text``, and indexed
with the country, so that finding candidates is a GROUP BY over an index, not a
comparison of every pair.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from partnerships import text_search

# Words that say what kind of body a name is, not which one (normalized: no
# accents, lower case). Articles and elisions go too, so that "Ville de
# Chambéry", "City of Chambéry" and "Chambéry" share a key.
NOISE_WORDS = frozenset(
    [
        "ville",
        "city",
        "cite",
        "town",
        "of",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "s",
        "the",
        "and",
        "et",
        "en",
        "province",
        "provincial",
        "region",
        "municipality",
        "municipal",
        "metropole",
        "metropolis",
        "commune",
        "prefecture",
        "county",
        "government",
        "gouvernement",
        "people",
        "peoples",
        "popular",
        "co",
        "ltd",
        "limited",
        "company",
        "compagnie",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "llc",
        "plc",
        "group",
        "groupe",
        "holding",
        "sa",
        "sas",
        "sasu",
        "sarl",
        "gmbh",
        "ag",
        "spa",
        "bv",
        "nv",
        "shi",
        "sheng",
        "zhengfu",
        "renmin",
        "youxian",
        "gongsi",
        "jituan",
    ]
)

# The same in Chinese script, longest first ("股份有限公司" before "公司").
NOISE_HAN = (
    "股份有限公司",
    "有限责任公司",
    "人民政府",
    "有限公司",
    "自治区",
    "政府",
    "集团",
    "公司",
    "省",
    "市",
)

# Courtesy titles, set aside in people's names.
PERSON_NOISE_WORDS = frozenset(
    ["mr", "mrs", "ms", "miss", "m", "mme", "mlle", "dr", "prof", "professor"]
)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SEPARATORS = re.compile(r"[\W_]+")

# The candidates page shows at most this many groups, each with at most this
# many records: bounded whatever the size of the data.
MAX_GROUPS = 60
MAX_PER_GROUP = 5


def has_han(text: str | None) -> bool:
    return bool(text and _HAN.search(text))


def _romanized(text: str, noise_han: Iterable[str]) -> str:
    """Chinese characters as pinyin syllables (other characters kept)."""
    for word in noise_han:
        text = text.replace(word, " ")
    return " ".join(lazy_pinyin(text))


def _key(text: str | None, *, noise: frozenset[str], noise_han: Iterable[str]) -> str:
    if not text:
        return ""
    if has_han(text):
        text = _romanized(text, noise_han)
    words = _SEPARATORS.sub(" ", text_search.normalize(text)).split()
    kept = [word for word in words if word not in noise]
    return "".join(kept) or "".join(words)


def name_comparison_key(text: str | None) -> str:
    """The comparison key of one organization name: "Ville de Zhangjiakou",
    "City of Zhangjiakou", "张家口市" and "Zhangjiakou" all give "zhangjiakou"."""
    return _key(text, noise=NOISE_WORDS, noise_han=NOISE_HAN)[:200]


def organization_key(name: str, local_name: str = "", romanization: str = "") -> str:
    """The stored comparison key of an organization: from its local name in
    Chinese script when it has one (the one spelling that does not vary), else
    its romanization, else its name."""
    for text in (local_name if has_han(local_name) else "", romanization, name):
        key = name_comparison_key(text)
        if key:
            return key
    return ""


def person_key(name: str, local_name: str = "") -> str:
    """The stored comparison key of a contact: "WANG Wei", "Wang Wei" and
    王伟 give "wangwei"; "Mme Élise Dupont" and "elise dupont" meet."""
    for text in (local_name if has_han(local_name) else "", name):
        key = _key(text, noise=PERSON_NOISE_WORDS, noise_han=())[:200]
        if key:
            return key
    return ""


# Candidate pairs -------------------------------------------------------------------


@dataclass
class Candidate:
    """Two records that may be one, and why the page thinks so."""

    first: object
    second: object
    reason: str


def _pairs(groups: Iterable[tuple[str, list]]) -> list[Candidate]:
    pairs = []
    for reason, members in groups:
        members = sorted(members, key=lambda obj: obj.pk)[:MAX_PER_GROUP]
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                pairs.append(Candidate(first, second, reason))
    return pairs


def organization_candidates(queryset) -> list[Candidate]:
    """Pairs of organizations of ``queryset`` in one country with one
    comparison key. Two queries whatever the number of organizations: the keys
    shared by several (a GROUP BY on the indexed (country, match_key)), then
    those organizations."""
    shared = list(
        queryset.exclude(match_key="")
        .order_by()
        .values("country", "match_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("match_key", "country")[:MAX_GROUPS]
    )
    if not shared:
        return []
    condition = Q()
    for row in shared:
        condition |= Q(country=row["country"], match_key=row["match_key"])
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for org in queryset.filter(condition).select_related("parent").order_by("pk"):
        groups[(org.country.code, org.match_key)].append(org)
    return _pairs(
        (
            _(
                "Same name once accents, scripts and words like “City of” or “市” are set "
                "aside: %(key)s"
            )
            % {"key": key},
            groups[(country, key)],
        )
        for country, key in sorted(groups)
    )


def contact_candidates(queryset) -> list[Candidate]:
    """Pairs of contacts with one comparison key in one organization or in
    organizations that are themselves candidates (same country and key), or
    with one e-mail address. Four queries whatever the number of contacts."""
    by_name = list(
        queryset.exclude(match_key="")
        .order_by()
        .values("organization__country", "organization__match_key", "match_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("match_key")[:MAX_GROUPS]
    )
    by_email = list(
        queryset.exclude(email="")
        .order_by()
        .values(address=Lower("email"))
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("address")[:MAX_GROUPS]
    )
    condition = Q()
    for row in by_name:
        condition |= Q(
            organization__country=row["organization__country"],
            organization__match_key=row["organization__match_key"],
            match_key=row["match_key"],
        )
    name_groups: dict[tuple, list] = defaultdict(list)
    if by_name:
        for contact in queryset.filter(condition).select_related("organization").order_by("pk"):
            org = contact.organization
            name_groups[(org.country.code, org.match_key, contact.match_key)].append(contact)
    email_groups: dict[str, list] = defaultdict(list)
    if by_email:
        addresses = [row["address"] for row in by_email]
        for contact in (
            queryset.annotate(address=Lower("email"))
            .filter(address__in=addresses)
            .select_related("organization")
            .order_by("pk")
        ):
            email_groups[contact.address].append(contact)
    same_name = _("Same name in the same organization or its possible duplicates")
    same_email = _("Same e-mail address")
    pairs = _pairs((same_name, members) for _group, members in sorted(name_groups.items()))
    seen = {frozenset((pair.first.pk, pair.second.pk)) for pair in pairs}
    for pair in _pairs((same_email, members) for _group, members in sorted(email_groups.items())):
        if frozenset((pair.first.pk, pair.second.pk)) not in seen:
            pairs.append(pair)
    return pairs
