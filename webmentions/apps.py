# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class WebmentionsConfig(site_apps.SiteAppConfig):
    name = "webmentions"
    public_content = True

    def ready(self):
        import moderation
        from webmentions import sending
        from webmentions.models import Webmention
        from webmentions.moderators import WebmentionModerator

        sending.connect()
        moderation.register(Webmention, WebmentionModerator)
