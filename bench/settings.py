"""Settings for the benchmarks: the project's own (crm/settings.py, from the
same environment), served as in production (DEBUG off, manifest static files
collected into the benchmark's folder), with a URLconf that adds the one-query
floor view. The app never uses this module."""

import os
from pathlib import Path

from crm.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# bench/run.py collects the static files here once per run (the manifest the
# pages' {% static %} tags read in production).
STATIC_ROOT = Path(os.environ.get("CRM_BENCH_STATIC_ROOT", "/tmp/crm-bench/static"))
# The benchmark measures the application, not the TLS proxy in front of it: no
# redirect to https (production's default without DEBUG since the deployment
# settings), which answered the floor view with a 301.
SECURE_SSL_REDIRECT = False
