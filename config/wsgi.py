import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from ops.page_cache import PageCache  # noqa: E402 (after the settings are named)

# Pages for readers without cookies are answered from memory before Django runs (PAGE_CACHE).
application = PageCache(get_wsgi_application())
