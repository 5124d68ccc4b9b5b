# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class BlogConfig(site_apps.SiteAppConfig):
    name = "blog"
    public_content = True
