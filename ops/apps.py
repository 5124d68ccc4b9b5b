# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class OpsConfig(site_apps.SiteAppConfig):
    name = "ops"
    verbose_name = "Site operations"

    def ready(self):
        from ops import task_limits  # noqa: F401 (connects the tasks' time limit)
