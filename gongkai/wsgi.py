import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
application = get_wsgi_application()

from gongkai.portal.static_check import assert_static_collected  # noqa: E402  (needs Django set up)

assert_static_collected()
