"""Two app servers, one database: what one server writes or remembers, the
other sees. Run by .ci/two_servers against two `make serve` servers:

    python .ci/two_servers_check.py http://127.0.0.1:8431 http://127.0.0.1:8432

Signs in on the first and uses that session on the second; uploads a
document through the second and downloads it through the first; moves a
stage through the second and reads it on the first; locks a sign-in out on
the first and finds it locked on the second; spreads guessed API tokens over
both and is throttled; signs out on the second and is signed out on the first.
Exits non-zero at the first thing that does not hold.
"""

from __future__ import annotations

import io
import sys

import requests
from pypdf import PdfWriter

USER, PASSWORD = "julien", "staff-demo-2026"
TIMEOUT = 30


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


def csrf(session: requests.Session) -> str:
    return next(c.value for c in session.cookies if c.name.endswith("csrftoken"))


def sign_in(session: requests.Session, base: str, username: str, password: str):
    session.get(f"{base}/accounts/login/", timeout=TIMEOUT)
    return session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf(session)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def a_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def main(first: str, second: str) -> None:
    session = requests.Session()
    signed_in = sign_in(session, first, USER, PASSWORD)
    check(signed_in.status_code == 302, f"signed in on {first}")

    home = session.get(f"{second}/", allow_redirects=False, timeout=TIMEOUT)
    check(home.status_code == 200 and "Julien" in home.text, f"the session works on {second}")

    me = session.get(f"{second}/api/users/", params={"search": USER}, timeout=TIMEOUT).json()
    user_id = next(u["id"] for u in me["results"] if u["username"] == USER)
    mine = session.get(
        f"{second}/api/partnerships/", params={"owner": user_id}, timeout=TIMEOUT
    ).json()["results"]
    check(bool(mine), "the API lists the partnerships the user owns")
    partnership = next(p for p in mine if p["stage"] != "renewal")
    pk = partnership["id"]

    pdf = a_pdf()
    session.get(f"{second}/partnerships/{pk}/", timeout=TIMEOUT)
    uploaded = session.post(
        f"{second}/partnerships/{pk}/documents/new/",
        data={
            "title": "Minutes, two servers",
            "kind": "minutes",
            "csrfmiddlewaretoken": csrf(session),
        },
        files={"file": ("minutes.pdf", pdf, "application/pdf")},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    check(uploaded.status_code == 302, f"a document uploaded through {second}")
    documents = session.get(
        f"{first}/api/documents/", params={"partnership": pk}, timeout=TIMEOUT
    ).json()["results"]
    document = next(d for d in documents if d["title"] == "Minutes, two servers")
    download = session.get(f"{first}/documents/{document['id']}/download/", timeout=TIMEOUT)
    check(download.status_code == 200 and download.content == pdf, f"downloaded through {first}")

    stages = ["prospect", "letter_of_intent", "agreement", "contract", "renewal"]
    target = stages[stages.index(partnership["stage"]) + 1]
    moved = session.post(
        f"{second}/api/partnerships/{pk}/move/",
        json={"stage": target, "note": "Two servers", "version": partnership["version"]},
        headers={"X-CSRFToken": csrf(session)},
        timeout=TIMEOUT,
    )
    check(moved.status_code == 200, f"stage moved through {second}: {moved.status_code}")
    seen = session.get(f"{first}/api/partnerships/{pk}/", timeout=TIMEOUT).json()
    check(seen["stage"] == target, f"{first} sees the new stage")

    # The admin: the load benchmark that follows signs in as the others.
    for _ in range(5):
        sign_in(requests.Session(), first, "admin", "wrong-password")
    locked = sign_in(requests.Session(), second, "admin", "admin-demo-2026")
    check(locked.status_code == 429, f"a lock-out made on {first} holds on {second}")

    statuses = []
    for i in range(12):
        base = first if i % 2 else second
        statuses.append(
            requests.get(
                f"{base}/api/sectors/",
                headers={"Authorization": f"Bearer crm_guess-{i}"},
                timeout=TIMEOUT,
            ).status_code
        )
    check(statuses[:10] == [401] * 10 and statuses[10:] == [429, 429], f"API throttled: {statuses}")

    session.post(
        f"{second}/accounts/logout/",
        data={"csrfmiddlewaretoken": csrf(session)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    after = session.get(f"{first}/", allow_redirects=False, timeout=TIMEOUT)
    check(after.status_code == 302, f"signed out on {second}, signed out on {first}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
