# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class NotificationsConfig(site_apps.SiteAppConfig):
    name = "notifications"
    verbose_name = "Mail to readers"

    def ready(self):
        from comments.signals import comment_submitted, comments_published
        from notifications import receivers

        comment_submitted.connect(receivers.writer_asked_for_mail, dispatch_uid="notifications")
        comments_published.connect(receivers.announce_published, dispatch_uid="notifications")
