# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class NotificationsConfig(site_apps.SiteAppConfig):
    name = "notifications"
    verbose_name = "Mail to readers"

    def ready(self):
        from django.db.models.signals import post_save

        from blog.models import Post
        from comments import signals
        from notifications import receivers

        uid = "notifications"
        signals.comment_submitted.connect(receivers.writer_asked_for_mail, dispatch_uid=uid)
        signals.comment_submitted.connect(receivers.offer_publishing, dispatch_uid=f"{uid}.trust")
        signals.comments_published.connect(receivers.announce_published, dispatch_uid=uid)
        signals.writer_proves_address.connect(receivers.vouch_for_writer, dispatch_uid=uid)
        post_save.connect(receivers.post_saved, sender=Post, dispatch_uid=uid)
