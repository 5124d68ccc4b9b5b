from django.db import models


class OutgoingMail(models.Model):
    """One message to one recipient, stored before it leaves (ops.mail).

    Mail is sent by the task worker, never inside a reader's request, so a slow or failing SMTP
    server never slows a page nor loses what a reader sent. A message marked sent is never sent
    again; one cut off by a crash mid-send may go once more, with the same Message-ID, which
    mail clients use to show it once.
    """

    message_id = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    # The identity (ops.addresses) of the address the mail is about: its recipient's, or the
    # writer's for a moderator's mail about one comment. Erasing an address deletes its mail by
    # this, exactly. Null in rows of the previous release not yet filled in, and for an
    # address with no identity.
    about_identity = models.TextField(null=True, blank=True, editable=False, db_index=True)  # noqa: DJ001
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "outgoing mail"
        verbose_name_plural = "outgoing mail"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to}"
