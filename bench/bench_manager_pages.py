"""The managers' pages at scale (board, its "show more", reports, exports): those
pages of bench/run.py (kept for the commands in docs/managers.md).

    python bench/bench_manager_pages.py --partnerships 1000 100000 [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run

PAGES = r"board|reports|export"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="measure this database as it is (one size)")
    parser.add_argument("--export-runs", type=int, help="(ignored: exports run --runs times)")
    parser.add_argument("--data-dir", help="where the SQLite files are (see bench/run.py)")
    args = parser.parse_args()
    argv = ["--only", PAGES, "--runs", str(args.runs), "--sizes", *map(str, args.partnerships)]
    argv += ["--database-url", args.database_url] if args.database_url else []
    run.main(argv + (["--data-dir", args.data_dir] if args.data_dir else []))
