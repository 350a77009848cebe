"""The WSGI entry point of the site (``sinergi.web.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.web.settings")
application = get_wsgi_application()
