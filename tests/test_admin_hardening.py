"""The admin as an IT department would try it: ``version`` is never an
editable field and is checked like on the pages; the history pages run under
the Content-Security-Policy with nothing it would block."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partnerships.models import Action, Meeting, Partnership
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

VERSIONED = [Partnership, Meeting, Action]


class FormReader(HTMLParser):
    """What a browser would post from the page's main form: inputs, checked
    boxes, selected options, text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.inputs: dict[str, str] = {}  # name -> type
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            self.inputs[name] = kind
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file"):
                return
            self.data.setdefault(name, []).append(
                attrs.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def change_url(obj) -> str:
    return f"/admin/partnerships/{obj._meta.model_name}/{obj.pk}/change/"


@pytest.fixture
def records(owner):
    partnership = factories.PartnershipFactory(owner=owner)
    meeting = factories.MeetingFactory(logged_by=owner)
    action = factories.ActionFactory(owner=owner, partnership=partnership)
    return {Partnership: partnership, Meeting: meeting, Action: action}


@pytest.mark.parametrize("model", VERSIONED, ids=lambda m: m.__name__)
def test_version_is_a_hidden_field_never_an_editable_one(admin_user, records, model):
    page = client_for(admin_user).get(change_url(records[model])).content.decode()

    form = read_form(page)
    assert form.inputs["version"] == "hidden"
    assert form.data["version"] == [str(records[model].version)]
    # Its row is hidden (the admin's "hidden" class), label included.
    assert re.search(r'class="form-row hidden field-version"', page)


@pytest.mark.parametrize("model", VERSIONED, ids=lambda m: m.__name__)
def test_an_admin_save_from_a_stale_page_is_refused_and_changes_nothing(admin_user, records, model):
    client = client_for(admin_user)
    obj = records[model]
    version = obj.version
    form = read_form(client.get(change_url(obj)).content.decode())
    # Someone else saves in between.
    model.all_objects.filter(pk=obj.pk).update(version=version + 1, title="Their title")
    data = {**form.data, "title": ["My title"]}

    response = client.post(change_url(obj), data)

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    obj.refresh_from_db()
    assert obj.title == "Their title" and obj.version == version + 1


@pytest.mark.parametrize("model", VERSIONED, ids=lambda m: m.__name__)
def test_a_forged_version_cannot_be_written_through_the_admin(admin_user, records, model):
    client = client_for(admin_user)
    obj = records[model]
    version = obj.version
    form = read_form(client.get(change_url(obj)).content.decode())

    response = client.post(change_url(obj), {**form.data, "version": ["999"]})

    assert response.status_code == 200
    obj.refresh_from_db()
    assert obj.version == version


@pytest.mark.parametrize("model", VERSIONED, ids=lambda m: m.__name__)
def test_an_admin_save_from_a_fresh_page_bumps_the_version(admin_user, records, model):
    client = client_for(admin_user)
    obj = records[model]
    version = obj.version
    form = read_form(client.get(change_url(obj)).content.decode())

    response = client.post(change_url(obj), {**form.data, "title": ["Renamed in the admin"]})

    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.title == "Renamed in the admin"
    assert obj.version == version + 1


HISTORY_MODELS = [
    model
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, SimpleHistoryAdmin)
]
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>\s*\S", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def csp_violations(html: str) -> list[str]:
    found = []
    for name, pattern in (
        ("style attribute", INLINE_STYLE),
        ("inline script", INLINE_SCRIPT),
        ("event handler", INLINE_HANDLER),
    ):
        found += [f"{name}: {match.group(0)[:80]}" for match in pattern.finditer(html)]
    return found


def test_the_csp_check_sees_what_it_looks_for():
    assert len(csp_violations('<p class="paginator" style="border-top: 0">')) == 1
    assert len(csp_violations("<script>alert(1)</script>")) == 1
    assert len(csp_violations('<a onclick="x()">')) == 1
    assert csp_violations('<script src="/static/x.js"></script><p class="a">') == []


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda m: m.__name__)
def test_history_pages_run_under_the_csp_without_violations(admin_user, owner, model):
    factory = {
        Partnership: lambda: factories.PartnershipFactory(owner=owner),
        Meeting: lambda: factories.MeetingFactory(logged_by=owner),
        Action: lambda: factories.ActionFactory(owner=owner),
    }.get(model)
    obj = factory() if factory else model._default_manager.first()
    if obj is None:
        obj = getattr(factories, f"{model.__name__}Factory")()
    # A second version, so the list shows a change and a paginator.
    obj.history.first().instance.save()
    client = client_for(admin_user)
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/history/"

    listing = client.get(base)
    record = client.get(f"{base}{obj.history.first().history_id}/")

    for response in (listing, record):
        assert response.status_code == 200
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert csp_violations(response.content.decode()) == []
    assert 'class="paginator"' in listing.content.decode()
