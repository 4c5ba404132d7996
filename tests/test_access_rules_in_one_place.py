"""Access is decided in ``partnerships/permissions.py`` alone.

These tests read the code: a template, view, serializer, form or admin class
that compares owners or roles by hand, or a refusal sentence written again
next to a check, fails here, so the rules cannot drift apart between the
pages, the API and the admin.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from partnerships import permissions

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "partnerships"

# Where requests are turned into answers: none of it may decide access itself.
CHECKED_PYTHON = [
    *sorted((APP / "views").glob("*.py")),
    *sorted((APP / "api").glob("*.py")),
    *sorted((APP / "templatetags").glob("*.py")),
    APP / "forms.py",
    APP / "admin.py",
    APP / "admin_site.py",
    APP / "exports.py",
    APP / "pipeline.py",
    APP / "context_processors.py",
]

# Attributes that only an access decision compares.
OWNERSHIP_ATTRIBUTES = {"owner_id", "logged_by_id", "created_by_id", "uploaded_by_id"}
ROLE_ATTRIBUTES = {"is_superuser", "is_staff", "groups"}
ROLE_FUNCTIONS = {"is_manager", "is_admin", "is_staff_member", "role_name", "_group_names"}

TEMPLATE_FORBIDDEN = re.compile(
    r"owner_id|logged_by_id|created_by_id|is_manager|is_admin|is_superuser|is_staff"
    r"|role_name|\.groups\b|user\.pk\s*==|==\s*user\.pk|request\.user\.pk\s*==",
)
TEMPLATE_CONDITION = re.compile(r"{%-?\s*(?:if|elif)\s(.*?)-?%}", re.S)


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def hand_made_access_checks(path: Path) -> list[str]:
    """Comparisons of owners, role attributes and role functions in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Compare):
            names = {_name(part) for part in [node.left, *node.comparators]}
            if names & OWNERSHIP_ATTRIBUTES:
                found.append(f"{where} compares an owner")
        elif isinstance(node, ast.Attribute) and node.attr in ROLE_ATTRIBUTES:
            # The admin's user list filters by these columns: naming a field
            # in a string is not an access check; reading it on a user is.
            found.append(f"{where} reads .{node.attr}")
        elif isinstance(node, ast.Call) and _name(node.func) in ROLE_FUNCTIONS:
            found.append(f"{where} calls {_name(node.func)}()")
    return found


@pytest.mark.parametrize("path", CHECKED_PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_serializers_forms_and_admin_never_check_owners_or_roles_by_hand(path):
    assert hand_made_access_checks(path) == []


def test_the_code_check_catches_a_hand_made_owner_comparison(tmp_path):
    sample = tmp_path / "view.py"
    sample.write_text(
        "def view(request, action):\n"
        "    if action.owner_id == request.user.pk or permissions.is_manager(request.user):\n"
        "        return 1\n"
        "    return request.user.is_superuser\n"
    )
    assert len(hand_made_access_checks(sample)) == 3


def template_conditions_deciding_access() -> list[str]:
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "templates").rglob("*.txt")
    ):
        text = path.read_text(encoding="utf-8")
        for condition in TEMPLATE_CONDITION.findall(text):
            if TEMPLATE_FORBIDDEN.search(condition):
                found.append(f"{path.relative_to(ROOT)}: {{% if {condition.strip()} %}}")
    return found


def test_templates_ask_the_permission_rules_instead_of_comparing_owners_or_roles():
    assert template_conditions_deciding_access() == []


def test_the_template_check_catches_an_owner_comparison():
    assert TEMPLATE_FORBIDDEN.search(" action.owner_id == user.pk or is_manager ")
    assert TEMPLATE_FORBIDDEN.search(' role_name == "admin" ')
    assert not TEMPLATE_FORBIDDEN.search(" may.export and export_url ")


def rules() -> list[permissions.Rule]:
    return [value for value in vars(permissions).values() if isinstance(value, permissions.Rule)]


def test_every_rule_has_its_own_refusal_sentence():
    sentences = [str(rule.refusal) for rule in rules()]

    assert len(rules()) >= 20
    assert all(sentence.endswith(".") for sentence in sentences)


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r.__name__)
def test_a_refusal_sentence_is_written_only_next_to_its_rule(rule):
    """Pages, API and admin raise the rule's own sentence (``rule.require``);
    writing it again elsewhere would let the two drift apart."""
    sentence = str(rule.refusal)
    elsewhere = [
        str(path.relative_to(ROOT))
        for path in [*APP.rglob("*.py"), *(ROOT / "templates").rglob("*.html")]
        if path.name != "permissions.py"
        and "migrations" not in path.parts
        and sentence in path.read_text(encoding="utf-8")
    ]

    assert elsewhere == []
