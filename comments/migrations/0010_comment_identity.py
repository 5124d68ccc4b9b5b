"""Each comment's address gets its identity (ops.addresses), by which a writer's comments are
found and compared exactly; bans on an address or a domain are rewritten in identity form.
Nullable this release (hosts still on the previous release write none); an address that cannot
be given an identity gets null, which matches nothing. Bans kept as a digest of an erased
address cannot be recomputed: Ban.matching reads them for one release."""

from django.db import migrations, models, transaction

from ops.addresses import identity

BATCH = 1000


def fill_identities(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Comment.objects.filter(pk__gt=last, identity=None)
                .exclude(email="")
                .order_by("pk")
                .only("pk", "email")[:BATCH]
            )
            if not batch:
                return
            for comment in batch:
                comment.identity = identity(comment.email)
            Comment.objects.bulk_update(batch, ["identity"])
        last = batch[-1].pk


def bans_in_identity_form(apps, schema_editor):
    Ban = apps.get_model("comments", "Ban")
    for ban in Ban.objects.filter(kind__in=["email", "domain"]).exclude(
        value__startswith="digest:"
    ):
        if ban.kind == "email":
            value = identity(ban.value)
        else:
            value = (identity(f"ban@{ban.value}") or "").rpartition("@")[2] or None
        if value is None or value == ban.value:
            continue  # no identity: it matches nothing any more
        if Ban.objects.filter(kind=ban.kind, value=value).exists():
            ban.delete()  # the same ban, typed another way
        else:
            Ban.objects.filter(pk=ban.pk).update(value=value)


class Migration(migrations.Migration):
    atomic = False  # a data migration in batches, outside one long transaction

    dependencies = [("comments", "0009_writers_edit")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="identity",
            field=models.TextField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_identities, migrations.RunPython.noop),
        migrations.RunPython(bans_in_identity_form, migrations.RunPython.noop),
    ]
