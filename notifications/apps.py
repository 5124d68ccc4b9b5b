# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class NotificationsConfig(site_apps.SiteAppConfig):
    name = "notifications"
    verbose_name = "Mail to readers"

    def ready(self):
        from blog.signals import post_became_public
        from comments import signals
        from notifications import newsletter, receivers

        uid = "notifications"
        signals.comment_submitted.connect(receivers.writer_asked_for_mail, dispatch_uid=uid)
        signals.comment_submitted.connect(receivers.offer_publishing, dispatch_uid=f"{uid}.trust")
        signals.comments_published.connect(receivers.announce_published, dispatch_uid=uid)
        signals.writer_proves_address.connect(receivers.vouch_for_writer, dispatch_uid=uid)
        post_became_public.connect(newsletter.mail_now_public, dispatch_uid=uid)
