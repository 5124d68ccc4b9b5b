# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class ModerationConfig(site_apps.SiteAppConfig):
    name = "moderation"

    def ready(self):
        from moderation import checks  # noqa: F401  (registers the system check)
