"""The benchmark: every page and API list the performance issue names, at
1,000 and 100,000 partnerships, on SQLite and (with --postgres) PostgreSQL,
against the floor of a bare one-query view measured in the same run.

    python bench/run.py                      # SQLite, 1,000 and 100,000 partnerships
    python bench/run.py --postgres postgres://postgres@127.0.0.1:5432/crm_bench
    python bench/run.py --sizes 1000 --only "board|search" --runs 9
    make bench BENCH_ARGS="--postgres postgres://..."

For each database (a SQLite file ``<data-dir>/sqlite-<N>.sqlite3``, or the
PostgreSQL database ``<name>_<N>`` on the server of --postgres), it migrates,
seeds with ``seed_scale --partnerships N`` if the database is new (and
remembers how long that took, in a JSON file beside it), then measures every
page in a child process (bench/measure.py) and prints one Markdown table: for
each page its query count, median and p95 server time at each size, its ratio
to the floor and to its own time at the smallest size. docs/performance.md
explains the columns and holds the latest figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = Path("/tmp/crm-bench")


@dataclass
class Target:
    backend: str  # "SQLite", "PostgreSQL"
    size: int | None  # None: a given database, measured as it is
    url: str
    marker: Path  # what seeding took, once it is done

    @property
    def name(self) -> str:
        return f"{self.backend} {self.size or ''}".strip()


def _env(database_url: str, settings: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "CRM_BENCH_STATIC_ROOT": str(data_dir / "static"),
    }


def _manage(env: dict, *args: str, capture: bool = True) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return completed.stdout or ""


def _count_partnerships(env: dict) -> int:
    out = _manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from partnerships.models import Partnership; print(Partnership.all_objects.count())",
    )
    return int(out.strip().splitlines()[-1])


# Databases ---------------------------------------------------------------------------


def _postgres_url(base: str, size: int) -> str:
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "crm_bench"
    return urlunsplit(parts._replace(path=f"/{name}_{size}"))


def _postgres_reset(url: str) -> None:
    """Drop and create the database ``url`` names, from the server's own
    ``postgres`` database."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _postgres_exists(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")]
        ).fetchone()
    return row is not None


def prepare(target: Target, data_dir: Path, *, reseed: bool) -> dict:
    """Migrate, and seed the database if it is new (or --reseed): what seeding
    took, now or when it was done."""
    env = _env(target.url, "crm.settings", data_dir)
    if target.size is None:
        _manage(env, "migrate", "--noinput", "-v0")
        return {}
    seeded = json.loads(target.marker.read_text()) if target.marker.exists() else None
    if seeded and not reseed:
        _manage(env, "migrate", "--noinput", "-v0")  # the app may have new migrations
        count = _count_partnerships(env)
        if count == target.size:
            return seeded | {"reused": True}
        print(f"{target.name}: {count} partnerships, not {target.size}: seeding again.")
    if target.backend == "SQLite":
        path = Path(urlsplit(target.url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        _postgres_reset(target.url)
    _manage(env, "migrate", "--noinput", "-v0")
    print(f"{target.name}: seeding {target.size} partnerships…", flush=True)
    started = time.perf_counter()
    out = _manage(env, "seed_scale", "--partnerships", str(target.size))
    seconds = time.perf_counter() - started
    print(out.strip())
    peak = re.search(r"peak memory (\d+) MB", out)  # seed_scale's own getrusage()
    seeded = {
        "partnerships": target.size,
        "seconds": round(seconds, 1),
        "peak_rss_mb": int(peak.group(1)) if peak else None,
        "seeded_on": datetime.date.today().isoformat(),
        "commit": _commit(),
    }
    target.marker.write_text(json.dumps(seeded))
    return seeded


def measure(target: Target, data_dir: Path, *, runs: int, only: str | None) -> dict:
    env = _env(target.url, "bench.settings", data_dir)
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        print(f"{target.name}: measuring ({runs} runs after a warm-up)…", flush=True)
        command = [sys.executable, "-m", "bench.measure", "--runs", str(runs)]
        command += ["--result", result.name] + (["--only", only] if only else [])
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(Path(result.name).read_text())


def collect_static(data_dir: Path) -> None:
    env = _env("sqlite://:memory:", "bench.settings", data_dir)
    _manage(env, "collectstatic", "--noinput", "-v0")


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            [shutil.which("git") or "git", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (
        " (modified)" if git("status", "--porcelain") else ""
    )


# The table ---------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _ratio(value: float) -> str:
    return f"{value:,.0f}×" if value >= 100 else f"{value:.1f}×"


def table(results: dict[str, dict[int | None, dict]]) -> str:
    """One row per page; for each backend: queries, median (p95) at each
    size, and at the largest size the ratio to the floor and to the smallest
    size."""
    header, rule = ["page", "as"], ["---", "---"]
    for backend, by_size in results.items():
        sizes = list(by_size)
        header.append(f"{backend} queries")
        header += [f"{backend} {_size(s)} ms median (p95)" for s in sizes]
        header += [f"{backend} × floor"] + (
            [f"{backend} × {_size(sizes[0])}"] if len(sizes) > 1 else []
        )
    rule += ["---:"] * (len(header) - 2)
    keys: dict[tuple[str, str], None] = {}  # every page, in the order first measured
    indexed: dict[str, dict] = {}
    for backend, by_size in results.items():
        for size, result in by_size.items():
            for page in result["pages"]:
                keys.setdefault((page["label"], page["persona"]))
                indexed[backend, size, page["label"], page["persona"]] = page
    rows = [["**floor: bare view, one query**", "anonymous"]]
    for by_size in results.values():
        floors = [by_size[s]["floor"] for s in by_size]
        rows[0].append(str(floors[0]["queries"]))
        rows[0] += [f"{_ms(f['median'])} ({_ms(f['p95'])})" for f in floors]
        rows[0] += ["1×"] + ([""] if len(floors) > 1 else [])
    for label, persona in keys:
        row = [label, persona]
        for backend, by_size in results.items():
            pages = [indexed.get((backend, size, label, persona)) for size in by_size]
            counts = [str(p["queries"]) if p else "—" for p in pages]
            row.append(counts[0] if len(set(counts)) == 1 else "/".join(counts))
            row += [f"{_ms(p['median'])} ({_ms(p['p95'])})" if p else "—" for p in pages]
            largest, floor = pages[-1], list(by_size.values())[-1]["floor"]["median"]
            row.append(_ratio(largest["median"] / floor) if largest else "—")
            if len(pages) > 1:
                both = largest and pages[0]
                row.append(_ratio(largest["median"] / pages[0]["median"]) if both else "—")
        rows.append(row)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _size(size: int | None) -> str:
    if size is None:
        return "given"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def summary(results: dict, seeding: dict, started: float, loads: list) -> str:
    lines = [
        f"Commit {_commit()}, {datetime.datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} CPUs, load average {loads[0]:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end, {time.perf_counter() - started:.0f} s in all."
    ]
    for backend, by_size in results.items():
        for size, result in by_size.items():
            seeded = seeding.get((backend, size)) or {}
            seed_text = (
                f"; seeded in {seeded['seconds']:.0f} s, peak {seeded['peak_rss_mb']} MB"
                f" ({'earlier, ' if seeded.get('reused') else ''}{seeded['seeded_on']},"
                f" {seeded['commit']})"
                if seeded
                else ""
            )
            owns = result["staff_owns"]
            lines.append(
                f"- {backend} {_size(size)}: {result['partnerships']:,} partnerships, "
                f"{result['meetings']:,} meetings, {result['actions']:,} actions; the staff "
                f"member owns {owns['partnerships']:,} partnerships and {owns['actions']:,} "
                f"actions; {result['runs']} runs per page{seed_text}."
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per page (default 5)")
    parser.add_argument("--only", help="only the pages whose label or path match this regex")
    parser.add_argument("--postgres", metavar="URL", help="also PostgreSQL: databases <name>_<N>")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--database-url", metavar="URL", help="measure this database as it is (no seeding)"
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--reseed", action="store_true", help="seed the databases again")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    started, loads = time.perf_counter(), os.getloadavg()
    args.data_dir.mkdir(parents=True, exist_ok=True)

    targets: list[Target] = []
    if args.database_url:
        backend = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
        targets.append(Target(backend, None, args.database_url, args.data_dir / "given.json"))
    else:
        if not args.no_sqlite:
            for size in args.sizes:
                path = args.data_dir / f"sqlite-{size}.sqlite3"
                targets.append(
                    Target("SQLite", size, f"sqlite:///{path}", Path(f"{path}.seeded.json"))
                )
        if args.postgres:
            for size in args.sizes:
                url = _postgres_url(args.postgres, size)
                name = urlsplit(url).path.lstrip("/")
                marker = args.data_dir / f"postgres-{urlsplit(url).port}-{name}.seeded.json"
                if marker.exists() and not _postgres_exists(url):
                    marker.unlink()
                targets.append(Target("PostgreSQL", size, url, marker))
    if not targets:
        parser.error("nothing to measure")

    collect_static(args.data_dir)
    results: dict[str, dict[int | None, dict]] = {}
    seeding: dict[tuple[str, int | None], dict] = {}
    for target in targets:
        seeding[(target.backend, target.size)] = prepare(target, args.data_dir, reseed=args.reseed)
        results.setdefault(target.backend, {})[target.size] = measure(
            target, args.data_dir, runs=args.runs, only=args.only
        )
    report = summary(results, seeding, started, loads) + "\n\n" + table(results)
    print("\n" + report)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "summary": report,
                    "results": {b: {str(s): r for s, r in v.items()} for b, v in results.items()},
                },
                ensure_ascii=False,
                indent=1,
            )
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
