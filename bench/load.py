"""Many people at once: --users virtual users reading and writing for --seconds
through gunicorn, on a seed_scale database (issue 10, point 4).

    python bench/load.py --database-url sqlite:////tmp/crm-bench/sqlite-100000.sqlite3
    python bench/load.py --database-url postgres://…/crm_bench_100000 --users 20 --seconds 60
    python bench/load.py --url http://127.0.0.1:8000   # a server already running

Unless --url is given, it starts gunicorn (--workers sync workers, on
127.0.0.1:--port) on the database with the benchmark's settings (DEBUG off,
static files collected by bench/run.py into --data-dir), and stops it at the
end. It gives the first --users synthetic owners of seed_scale a password, so
that they can sign in (one in five is a manager account made here instead).
Each virtual user signs in, then until the time is up picks a request from a
fixed mix (mostly pages and API lists, one in ten a write: create an action on
one of its partnerships through the API, complete it later) and sends it as
soon as the previous answer has arrived. Prints, per request kind: requests,
failures (an answer other than the expected status, or no answer), p50, p95 and
p99 in milliseconds, and the requests per second of the whole run.

Bounded: --users threads, one request in flight each, for --seconds.
"""

from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-load-only-password"  # noqa: S105 - throwaway benchmark accounts
WORDS = ["alpine", "digital", "green", "olympic", "nordic", "smart", "rail", "张家口"]


@dataclass
class Stats:
    times_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, elapsed_ms: float, ok: bool, error: str = "") -> None:
        with self.lock:
            self.times_ms[kind].append(elapsed_ms)
            if not ok:
                self.failures[kind] += 1
                self.errors.setdefault(kind, error)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


class VirtualUser:
    """One person with a browser: a cookie jar, a session, a CSRF token."""

    def __init__(
        self, base: str, username: str, is_manager: bool, owned: list[int], stats: Stats, seed: int
    ):
        self.base, self.username, self.is_manager, self.stats = base, username, is_manager, stats
        self.random = random.Random(seed)
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )
        self.my_partnerships = owned  # some of the partnerships it owns
        self.open_actions: list[tuple[int, int]] = []  # (id, version) it created

    def _csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(
        self,
        kind: str,
        path: str,
        *,
        data: dict | None = None,
        form: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> bytes | None:
        headers = {"Accept-Language": "en"}
        body = None
        if data is not None:
            headers["X-CSRFToken"] = self._csrf()
            headers["Referer"] = self.base + "/"
            if form:
                body = urllib.parse.urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = json.dumps(data).encode()
                headers["Content-Type"] = "application/json"
        # The base is checked to be http(s) in main().
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                content, status = response.read(), response.status
        except urllib.error.HTTPError as error:
            content, status = error.read(), error.code
        except OSError as error:
            self.stats.record(kind, (time.perf_counter() - started) * 1000, False, repr(error))
            return None
        ok = status in expect
        self.stats.record(kind, (time.perf_counter() - started) * 1000, ok, f"{status} {path}")
        return content if ok else None

    def sign_in(self) -> bool:
        self.request("sign in (form)", "/accounts/login/")
        signed_in = self.request(
            "sign in (post)",
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self._csrf(),
            },
            form=True,
            expect=(302,),
        )
        return signed_in is not None

    # The mix ------------------------------------------------------------------------

    def step(self, partnership_ids: range, meeting_ids: range) -> None:
        roll = self.random.random()
        pick = self.random.choice
        if roll < 0.10:
            self.write()
        elif roll < 0.22:
            self.request("my work", "/")
        elif roll < 0.34:
            self.request("partnerships", "/partnerships/")
        elif roll < 0.44:
            self.request("a partnership", f"/partnerships/{pick(partnership_ids)}/")
        elif roll < 0.52:
            self.request("board", "/pipeline/")
        elif roll < 0.60:
            self.request("search", "/search/?q=" + urllib.parse.quote(pick(WORDS)))
        elif roll < 0.67:
            self.request("meetings", "/meetings/")
        elif roll < 0.72:
            self.request("a meeting", f"/meetings/{pick(meeting_ids)}/")
        elif roll < 0.80:
            self.request("actions: overdue", "/actions/?overdue=true")
        elif roll < 0.88:
            self.request("API partnerships", "/api/partnerships/?stage=contract")
        elif roll < 0.94:
            self.request("API actions: overdue", "/api/actions/?overdue=true")
        elif self.is_manager:
            self.request("reports (manager)", "/reports/")
        else:
            self.request("partnerships, filtered", "/partnerships/?stage=agreement&country=CN")

    def write(self) -> None:
        """Create an action on one of its partnerships, or complete one it
        created earlier (through the API, as a script would)."""
        if self.open_actions and (len(self.open_actions) > 3 or self.random.random() < 0.5):
            pk, version = self.open_actions.pop(0)
            self.request(
                "API: complete an action",
                f"/api/actions/{pk}/complete/",
                data={"version": version, "outcome": "Done under load"},
            )
            return
        due = datetime.date.today() + datetime.timedelta(days=self.random.randint(1, 60))
        data = {"title": f"Load test follow-up {self.random.randint(1, 10**6)}"}
        data["due_date"] = due.isoformat()
        if self.my_partnerships:
            data["partnership"] = self.random.choice(self.my_partnerships)
        created = self.request("API: create an action", "/api/actions/", data=data, expect=(201,))
        if created:
            row = json.loads(created)
            self.open_actions.append((row["id"], row["version"]))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Answers are measured as they come: a redirect is an answer, not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


# Setting up ---------------------------------------------------------------------------


def _env(args: argparse.Namespace) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "false",  # plain http on the loopback
        "CRM_BENCH_STATIC_ROOT": str(args.data_dir / "static"),
    }


SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Max, Min
from partnerships.models import Meeting, Partnership
from partnerships.permissions import MANAGER_GROUP
User = get_user_model()
count = {users}
password = make_password({password!r})
staff = list(User.objects.filter(username__startswith="scale-owner-").order_by("username"))
names = []
for number in range(count):
    if number % 5 == 4:
        user, _ = User.objects.get_or_create(username=f"bench-load-manager-{{number:02d}}")
        user.groups.add(Group.objects.get(name=MANAGER_GROUP))
    else:
        user = staff[number % len(staff)]
    user.password = password
    user.save(update_fields=["password"])
    owned = Partnership.objects.filter(owner=user).order_by("pk").values_list("pk", flat=True)
    owned = list(owned[:50])
    names.append((user.username, number % 5 == 4, owned))
print(json.dumps({{
    "users": names,
    "partnerships": Partnership.objects.aggregate(low=Min("pk"), high=Max("pk")),
    "meetings": Meeting.objects.aggregate(low=Min("pk"), high=Max("pk")),
}}))
"""


def prepare(args: argparse.Namespace) -> dict:
    env = _env(args)
    code = SETUP.format(users=args.users, password=PASSWORD)
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def start_gunicorn(args: argparse.Namespace) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
        "gunicorn"
    )
    if gunicorn is None:
        raise SystemExit("gunicorn is not installed (pip install -r requirements-dev.txt).")
    server = subprocess.Popen(
        [
            gunicorn,
            "crm.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(args),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=5):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped while starting.") from None
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer within 60 s.")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# Running ------------------------------------------------------------------------------


def run(base: str, setup: dict, args: argparse.Namespace) -> tuple[Stats, float]:
    stats = Stats()
    partnerships = range(setup["partnerships"]["low"], setup["partnerships"]["high"] + 1)
    meetings = range(setup["meetings"]["low"], setup["meetings"]["high"] + 1)
    users = [
        VirtualUser(base, name, is_manager, owned, stats, seed=number)
        for number, (name, is_manager, owned) in enumerate(setup["users"])
    ]
    signed_in, go = threading.Barrier(len(users) + 1), threading.Event()
    deadline: list[float] = []

    def live(user: VirtualUser) -> None:
        ok = user.sign_in()
        signed_in.wait()
        go.wait()
        while ok and time.perf_counter() < deadline[0]:
            user.step(partnerships, meetings)

    threads = [threading.Thread(target=live, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    signed_in.wait()  # everyone has signed in: the clock starts now
    started = time.perf_counter()
    deadline.append(started + args.seconds)
    go.set()
    for thread in threads:
        thread.join()
    return stats, time.perf_counter() - started


def report(stats: Stats, seconds: float, args: argparse.Namespace) -> str:
    lines = [
        f"{args.users} users sending requests for {args.seconds:.0f} s through "
        + (args.url or f"gunicorn ({args.workers} sync workers)")
        + f" (the last answer came {seconds:.0f} s after the start), "
        + f"load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| request | requests | failures | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    everything: list[float] = []
    failures = 0
    for kind in sorted(stats.times_ms, key=lambda k: -len(stats.times_ms[k])):
        times = stats.times_ms[kind]
        failed = stats.failures.get(kind, 0)
        if not kind.startswith("sign in"):
            everything += times
            failures += failed
        lines.append(
            f"| {kind} | {len(times)} | {failed} | {statistics.median(times):,.0f} "
            f"| {_percentile(times, 0.95):,.0f} | {_percentile(times, 0.99):,.0f} |"
        )
    if everything:
        lines.append(
            f"| **all (after signing in)** | {len(everything)} | {failures} "
            f"| {statistics.median(everything):,.0f} | {_percentile(everything, 0.95):,.0f} "
            f"| {_percentile(everything, 0.99):,.0f} |"
        )
        lines.append("")
        lines.append(f"{len(everything) / seconds:.1f} requests per second.")
    for kind, error in stats.errors.items():
        lines.append(f"First failure of {kind}: {error}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="a seed_scale database (required without --url)")
    parser.add_argument("--url", help="a server already running on that database")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/crm-bench"))
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url is required (the database the users are made in)")
    if args.url and not args.url.startswith(("http://", "https://")):
        parser.error("--url must be an http:// or https:// address")
    setup = prepare(args)
    server = None if args.url else start_gunicorn(args)
    try:
        stats, seconds = run(args.url or f"http://127.0.0.1:{args.port}", setup, args)
    finally:
        if server is not None:
            stop(server)
    print(report(stats, seconds, args))


if __name__ == "__main__":
    main()
