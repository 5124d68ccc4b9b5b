# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class TransferConfig(site_apps.SiteAppConfig):
    name = "transfer"
    verbose_name = "Moving in and out"
