"""WSGI entry point: ``gunicorn sandbox.wsgi -b 127.0.0.1:8001 --threads 8``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings"

application = get_wsgi_application()
