# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class CommentsConfig(site_apps.SiteAppConfig):
    name = "comments"
    public_content = True
