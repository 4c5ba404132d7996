"""gunicorn's settings for ``make serve`` (``gunicorn -c crm/gunicorn.conf.py crm.wsgi``).

Everything can be changed from the environment, the same one Django reads:

- ``CRM_BIND``: where to listen (default ``127.0.0.1:8000``: only the reverse
  proxy on this machine reaches it; see docs/operations.md);
- ``WEB_CONCURRENCY``: worker processes (default: 2 per core, plus one);
- ``CRM_WORKER_TIMEOUT``: seconds before a stuck worker is replaced (default 60:
  exports and reports of large programmes take a few seconds).

Workers keep nothing another worker needs: sessions, sign-in lock-outs and
API throttling are in the database, uploads in the storage under
DJANGO_MEDIA_ROOT, so any number of workers and app servers can share one
PostgreSQL.
"""

import multiprocessing
import os

bind = os.environ.get("CRM_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("CRM_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
# Restart each worker now and then, so that a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# The reverse proxy on this machine sets X-Forwarded-Proto and X-Forwarded-For.
forwarded_allow_ips = os.environ.get("CRM_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("CRM_GUNICORN_LOG_LEVEL", "info")
# Large uploads are read by the worker; the proxy buffers slow clients.
limit_request_line = 8190
