"""The load benchmark on a seed_scale database, through gunicorn (issue 10,
point 4): prepares the database, starts gunicorn on it, runs bench/load.py (the
one load driver) against it, and stops the server.

    python bench/load_scale.py --size 10000                       # SQLite
    python bench/load_scale.py --size 100000 --postgres postgres://postgres@127.0.0.1:5432/crm_bench
    python bench/load_scale.py --size 10000 --users 20 --duration 60 --think 1

The database is the one bench/run.py uses for that size (``sqlite-<N>.sqlite3``
under --data-dir, or the PostgreSQL database ``<name>_<N>``): migrated, and
seeded with ``seed_scale --partnerships N`` if it is new, by bench/run.py's own
``prepare``. The first --users accounts get a throwaway password: seed_scale's
synthetic owners, and one in five a manager account made here (managers also
open the reports). gunicorn runs with the production configuration
(crm/gunicorn.conf.py, DEBUG off, --workers sync workers, 2 by default: one per
core of these machines) and the benchmark's settings (bench/settings.py);
its answers are measured by bench/load.py, whose options --users, --duration
and --think pass through, and whose table this prints.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load, run  # noqa: E402  (the project's root is on the path from here)

PASSWORD = "bench-load-only-password"  # noqa: S105 - throwaway benchmark accounts

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from partnerships.permissions import MANAGER_GROUP
User = get_user_model()
password = make_password({password!r})
staff = list(User.objects.filter(username__startswith="scale-owner-").order_by("username"))
accounts = []
for number in range({users}):
    manager = number % 5 == 4
    if manager:
        user, _ = User.objects.get_or_create(
            username=f"bench-load-manager-{{number:02d}}",
            defaults={{"first_name": "Load", "last_name": f"Manager {{number}}"}},
        )
        user.groups.add(Group.objects.get(name=MANAGER_GROUP))
    else:
        user = staff[number % len(staff)]
    user.password = password
    user.save(update_fields=["password"])
    accounts.append(user.username + ":" + {password!r} + (":manager" if manager else ""))
print(json.dumps(accounts))
"""


def _target(args: argparse.Namespace) -> run.Target:
    if args.postgres:
        url = run._postgres_url(args.postgres, args.size)
        name = urlsplit(url).path.lstrip("/")
        marker = args.data_dir / f"postgres-{urlsplit(url).port}-{name}.seeded.json"
        if marker.exists() and not run._postgres_exists(url):
            marker.unlink()
        return run.Target("PostgreSQL", args.size, url, marker)
    path = args.data_dir / f"sqlite-{args.size}.sqlite3"
    return run.Target("SQLite", args.size, f"sqlite:///{path}", Path(f"{path}.seeded.json"))


def _server_env(target: run.Target, args: argparse.Namespace) -> dict[str, str]:
    return {
        **run._env(target.url, "bench.settings", args.data_dir),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "false",  # plain http on the loopback
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_TRUSTED_PROXY_COUNT": "0",
        "CRM_BIND": f"127.0.0.1:{args.port}",
        "WEB_CONCURRENCY": str(args.workers),
        "CRM_WORKER_TIMEOUT": "120",
        "CRM_GUNICORN_LOG_LEVEL": "warning",
    }


def accounts(target: run.Target, args: argparse.Namespace) -> list[str]:
    code = SETUP.format(users=args.users, password=PASSWORD)
    out = run._manage(
        run._env(target.url, "bench.settings", args.data_dir), "shell", "--no-imports", "-c", code
    )
    return json.loads(out.strip().splitlines()[-1])


def start_gunicorn(target: run.Target, args: argparse.Namespace) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
        "gunicorn"
    )
    if gunicorn is None:
        raise SystemExit("gunicorn is not installed (pip install -r requirements-dev.txt).")
    server = subprocess.Popen(
        [gunicorn, "-c", "crm/gunicorn.conf.py", "--access-logfile", "/dev/null", "crm.wsgi"],
        cwd=ROOT,
        env=_server_env(target, args),
        start_new_session=True,  # its own process group: stopped as one below
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10_000, help="partnerships (default 10,000)")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL: the database <name>_<N>")
    parser.add_argument("--data-dir", type=Path, default=run.DEFAULT_DATA_DIR)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--think", type=float, default=1.0, help="as bench/load.py's --think")
    parser.add_argument("--max-failures", type=int, default=None)
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)

    target = _target(args)
    seeded = run.prepare(target, args.data_dir, reseed=False)
    run.collect_static(args.data_dir)
    credentials = accounts(target, args)
    print(
        f"{target.name} ({seeded.get('partnerships', args.size):,} partnerships), "
        f"gunicorn with {args.workers} sync workers on port {args.port}",
        flush=True,
    )
    server = start_gunicorn(target, args)
    try:
        driver = ["--base-url", f"http://127.0.0.1:{args.port}"]
        driver += ["--users", str(args.users), "--duration", str(args.duration)]
        driver += ["--think", str(args.think)]
        driver += [item for account in credentials for item in ("--credentials", account)]
        if args.max_failures is not None:
            driver += ["--max-failures", str(args.max_failures)]
        return load.main(driver)
    finally:
        stop(server)


if __name__ == "__main__":
    sys.exit(main())
