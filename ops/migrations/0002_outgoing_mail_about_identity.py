"""The identity (ops.addresses) of the address each message is about, by which erasing an address
finds its mail exactly (never a substring of a body). Rows kept so far are about their recipient.
The column stays nullable this release: hosts still on the previous release write none."""

from django.db import migrations, models, transaction

from ops.addresses import identity

BATCH = 1000


def fill_about_identity(apps, schema_editor):
    OutgoingMail = apps.get_model("ops", "OutgoingMail")
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                OutgoingMail.objects.filter(pk__gt=last, about_identity=None)
                .order_by("pk")
                .only("pk", "to")[:BATCH]
            )
            if not batch:
                return
            for mail in batch:
                mail.about_identity = identity(mail.to)
            OutgoingMail.objects.bulk_update(batch, ["about_identity"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False  # a data migration in batches, outside one long transaction

    dependencies = [("ops", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="outgoingmail",
            name="about_identity",
            field=models.TextField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_about_identity, migrations.RunPython.noop),
    ]
