"""Global search, the look-ups and the searched partnership list at scale: the
search pages of bench/run.py (kept for the commands in docs/staff-pages.md).

    python bench/bench_search.py --partnerships 100000 [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run

PAGES = r"search|look-up"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, nargs="+", default=[100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="measure this database as it is")
    parser.add_argument("--data-dir", help="where the SQLite files are (see bench/run.py)")
    args = parser.parse_args()
    argv = ["--only", PAGES, "--runs", str(args.runs), "--sizes", *map(str, args.partnerships)]
    argv += ["--database-url", args.database_url] if args.database_url else []
    run.main(argv + (["--data-dir", args.data_dir] if args.data_dir else []))
