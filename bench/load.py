"""Load benchmark: N people using the app at once for T seconds, reading and
writing as staff and managers do, against any running server.

    python bench/load.py --base-url http://127.0.0.1:8000 [--base-url http://127.0.0.1:8001]
                         [--users 20] [--duration 60] [--think 1.0]
                         [--credentials user:password[:manager] ...]

Each simulated person signs in (as one of ``--credentials``, by default the
demo sign-ins of ``seed_demo``; with ``seed_scale`` data, bench/load_scale.py
prepares the database, gives accounts a password and starts gunicorn), then
until the time is up picks one of these, weighted:

    my work, the partnership / meeting / action lists, a partnership's page,
    the pipeline board, search, the API's partnership and action lists, the
    reports (accounts marked ``:manager`` only); logging a meeting, completing
    an action, moving a stage (forward, or back one step with a note once at
    the last stage).

With several ``--base-url`` (app servers of one host), each request goes to
the next server in turn: the session must work on all of them.

Think time: after each thing it does, a person waits a random time between
half and one and a half times ``--think`` seconds (1 s by default) before the
next. A person at a desk reads a page for several seconds; one second is
shorter on purpose, so that 20 simulated people send about as many requests
as 100 real ones would, while each still waits for its answer and pauses like
a person rather than hammering the server in a closed loop. ``--think 0`` is
pure throughput under contention.

Everyone signs in first; the clock starts once all have (signing in is slow
on purpose: password hashing). Prints, per page and overall (the overall row
leaves the sign-in requests out): requests, failures (5xx, refused
connections, timeouts, unexpected 4xx), conflicts (409: someone else saved first, the
expected answer to two people moving the same record), and the p50, p95 and
p99 latencies in milliseconds. ``--max-failures N`` makes the exit status
non-zero above N failures (CI uses 0). Every loop is bounded by the deadline
and every request by a timeout: it stops by itself.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import requests

DEMO_CREDENTIALS = [
    "julien:staff-demo-2026",
    "mei:staff-demo-2026",
    "manager:manager-demo-2026:manager",
]
STAGES = ["prospect", "letter_of_intent", "agreement", "contract", "renewal"]
TIMEOUT = 30
SEARCHES = ["zhang", "ski", "hebei", "savoie", "hospital", "chengdu", "amiens", "lyon"]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, page: str, seconds: float, outcome: str, detail: str = "") -> None:
        with self.lock:
            self.latencies[page].append(seconds * 1000)
            if outcome == "failure":
                self.failures[page] += 1
                if len(self.errors) < 20:
                    self.errors.append(f"{page}: {detail}")
            elif outcome == "conflict":
                self.conflicts[page] += 1


class Person:
    """One simulated person: a session, the servers in turn, what they own."""

    def __init__(
        self,
        bases: list[str],
        username: str,
        password: str,
        results: Results,
        *,
        is_manager: bool = False,
        think: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.servers = itertools.cycle(bases)
        self.username, self.password = username, password
        self.is_manager, self.think = is_manager, think
        self.random = random.Random(seed)
        self.results = results
        self.http = requests.Session()
        self.user_id: int | None = None
        self.partnership_ids: list[int] = []

    # Requests ----------------------------------------------------------------------

    def call(self, page: str, method: str, path: str, *, expect=(200,), **kwargs):
        url = next(self.servers) + path
        started = time.perf_counter()
        try:
            response = self.http.request(
                method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException as error:
            self.results.record(page, time.perf_counter() - started, "failure", repr(error))
            return None
        elapsed = time.perf_counter() - started
        if response.status_code in expect:
            self.results.record(page, elapsed, "ok")
        elif response.status_code == 409:
            self.results.record(page, elapsed, "conflict")
        else:
            self.results.record(
                page, elapsed, "failure", f"{method} {path} -> {response.status_code}"
            )
        return response

    def csrf(self) -> str:
        return next((c.value for c in self.http.cookies if c.name.endswith("csrftoken")), "")

    def sign_in(self) -> bool:
        self.call("sign in (form)", "GET", "/accounts/login/")
        response = self.call(
            "sign in",
            "POST",
            "/accounts/login/",
            expect=(302,),
            data={
                "username": self.username,
                "password": self.password,
                "csrfmiddlewaretoken": self.csrf(),
            },
        )
        if response is None or response.status_code != 302:
            return False
        users = self.call(
            "sign in: API users", "GET", "/api/users/", params={"search": self.username}
        )
        if users is None or users.status_code != 200:
            return False
        self.user_id = next(
            u["id"] for u in users.json()["results"] if u["username"] == self.username
        )
        listing = self.call("sign in: API partnerships", "GET", "/api/partnerships/")
        if listing is not None and listing.status_code == 200:
            self.partnership_ids = [p["id"] for p in listing.json()["results"]]
        return True

    # What people do ----------------------------------------------------------------

    def my_work(self) -> None:
        self.call("my work", "GET", "/")

    def partnership_list(self) -> None:
        self.call("partnership list", "GET", "/partnerships/")

    def meeting_list(self) -> None:
        self.call("meeting list", "GET", "/meetings/")

    def action_list(self) -> None:
        self.call("action list", "GET", "/actions/", params={"pending": "true"})

    def partnership_page(self) -> None:
        if self.partnership_ids:
            pk = self.random.choice(self.partnership_ids)
            self.call("partnership page", "GET", f"/partnerships/{pk}/")

    def board(self) -> None:
        self.call("pipeline board", "GET", "/pipeline/")

    def search(self) -> None:
        self.call("search", "GET", "/search/", params={"q": self.random.choice(SEARCHES)})

    def api_partnerships(self) -> None:
        self.call(
            "API: partnership list", "GET", "/api/partnerships/", params={"stage": "contract"}
        )

    def api_actions(self) -> None:
        self.call("API: action list", "GET", "/api/actions/", params={"status": "open"})

    def reports(self) -> None:
        if self.is_manager:
            self.call("reports (manager)", "GET", "/reports/")
        else:
            self.partnership_list()

    def log_meeting(self) -> None:
        self.call("meeting form", "GET", "/meetings/new/")
        today = datetime.date.today().isoformat()
        self.call(
            "log a meeting",
            "POST",
            "/meetings/new/",
            expect=(302,),
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "kind": "call",
                "status": "held",
                "title": f"Load test call {self.random.randint(1, 10**6)}",
                "start_date": today,
                "summary": "Follow-up call with the partner (load benchmark).",
                "actions-TOTAL_FORMS": "0",
                "actions-INITIAL_FORMS": "0",
                "actions-MIN_NUM_FORMS": "0",
                "actions-MAX_NUM_FORMS": "1000",
            },
        )

    def complete_action(self) -> None:
        listing = self.call(
            "API: my open actions",
            "GET",
            "/api/actions/",
            params={"owner": self.user_id, "status": "open"},
        )
        if listing is None or listing.status_code != 200 or not listing.json()["results"]:
            return
        action = self.random.choice(listing.json()["results"])
        self.call(
            "complete an action",
            "POST",
            f"/actions/{action['id']}/complete/",
            expect=(302,),
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "version": action["version"],
                "outcome": "Done (load benchmark).",
            },
        )

    def move_stage(self) -> None:
        listing = self.call(
            "API: my partnerships",
            "GET",
            "/api/partnerships/",
            params={"owner": self.user_id, "status": "active"},
        )
        if listing is None or listing.status_code != 200 or not listing.json()["results"]:
            return
        partnership = self.random.choice(listing.json()["results"])
        at = STAGES.index(partnership["stage"])
        backward = at == len(STAGES) - 1
        self.call(
            "move a stage",
            "POST",
            f"/api/partnerships/{partnership['id']}/move/",
            json={
                "stage": STAGES[at - 1] if backward else STAGES[at + 1],
                "note": "Load benchmark: renegotiated." if backward else "",
                "version": partnership["version"],
            },
            headers={"X-CSRFToken": self.csrf()},
        )

    WEIGHTS = {
        "my_work": 14,
        "partnership_list": 10,
        "meeting_list": 6,
        "action_list": 8,
        "partnership_page": 14,
        "board": 8,
        "search": 8,
        "api_partnerships": 6,
        "api_actions": 6,
        "reports": 2,
        "log_meeting": 4,
        "complete_action": 4,
        "move_stage": 4,
    }

    def run(self, ready: threading.Barrier, clock: dict[str, float]) -> None:
        signed_in = self.sign_in()
        ready.wait()  # everyone has signed in (or failed to): the clock starts
        if not signed_in:
            return
        deadline = clock["deadline"]
        names, weights = zip(*self.WEIGHTS.items(), strict=True)
        while time.monotonic() < deadline:
            getattr(self, self.random.choices(names, weights)[0])()
            if self.think:
                pause = self.think * self.random.uniform(0.5, 1.5)
                time.sleep(max(0.0, min(pause, deadline - time.monotonic())))


def _account(text: str) -> tuple[str, str, bool]:
    """``username:password`` or ``username:password:manager``."""
    username, _, rest = text.partition(":")
    password, _, role = rest.rpartition(":") if rest.endswith(":manager") else (rest, "", "")
    return username, password, role == "manager"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def report(results: Results, seconds: float) -> str:
    lines = [
        "| page | requests | failures | conflicts | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    everything: list[float] = []
    for page in sorted(results.latencies):
        values = results.latencies[page]
        if not page.startswith("sign in"):
            everything += values  # the run proper, after everyone has signed in
        lines.append(
            f"| {page} | {len(values)} | {results.failures[page]} | {results.conflicts[page]} "
            f"| {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} "
            f"| {percentile(values, 0.99):.0f} |"
        )
    lines.append(
        f"| **all but signing in** | {len(everything)} "
        f"| {sum(n for page, n in results.failures.items() if not page.startswith('sign in'))} "
        f"| {sum(results.conflicts.values())} | {percentile(everything, 0.5):.0f} "
        f"| {percentile(everything, 0.95):.0f} | {percentile(everything, 0.99):.0f} |"
    )
    rate = len(everything) / seconds if seconds else 0
    mean = statistics.fmean(everything) if everything else 0
    lines.append(
        f"\n{len(everything)} requests in {seconds:.0f} s: "
        f"{rate:.1f} per second, mean {mean:.0f} ms."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--base-url", action="append", required=True, help="repeat for several app servers"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause in seconds between one person's actions (default 1; 0: none)",
    )
    parser.add_argument(
        "--credentials",
        action="append",
        help="username:password, or username:password:manager (repeat); default: the demo ones",
    )
    parser.add_argument("--max-failures", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    bases = [url.rstrip("/") for url in args.base_url]
    accounts = [_account(c) for c in (args.credentials or DEMO_CREDENTIALS)]
    results = Results()
    people = []
    for i in range(args.users):
        username, password, is_manager = accounts[i % len(accounts)]
        people.append(
            Person(
                bases[i % len(bases) :] + bases[: i % len(bases)],
                username,
                password,
                results,
                is_manager=is_manager,
                think=args.think,
                seed=args.seed + i,
            )
        )
    clock: dict[str, float] = {}

    def start_the_clock() -> None:
        clock["started"] = time.monotonic()
        clock["deadline"] = clock["started"] + args.duration

    ready = threading.Barrier(len(people), action=start_the_clock)
    threads = [
        threading.Thread(target=person.run, args=(ready, clock), daemon=True) for person in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        # Signing in is bounded by its requests' timeouts, the run by the deadline.
        thread.join(timeout=args.duration + 6 * TIMEOUT + 10)
    elapsed = time.monotonic() - clock.get("started", time.monotonic())

    print(
        f"{args.users} users for {args.duration:.0f} s against {', '.join(bases)}, "
        f"think time {args.think:g} s (0.5-1.5x), load average {os.getloadavg()[0]:.1f} "
        "at the end\n"
    )
    print(report(results, elapsed))
    if results.errors:
        print("\nFirst failures:\n  " + "\n  ".join(results.errors))
    failures = sum(results.failures.values())
    if args.max_failures is not None and failures > args.max_failures:
        print(f"\n{failures} failures: more than the {args.max_failures} allowed.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
