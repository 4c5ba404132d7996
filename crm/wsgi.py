"""WSGI entry point: ``gunicorn crm.wsgi`` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

from crm.startup import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

application = get_wsgi_application()
require_secret_key()
