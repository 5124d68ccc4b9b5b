"""Each address (and data link) gets its identity (ops.addresses), by which it is found exactly.
Addresses that were told apart before but share an identity reach one mailbox: they are merged
into the earliest confirmed (the earliest created when none is), their subscriptions moved to it
and duplicates dropped (an active one kept over one waiting). An address that cannot be given an
identity gets null, which matches nothing. Nullable this release (hosts still on the previous
release write none); unique and not null in the next."""

from django.db import migrations, models, transaction
from django.db.models import Count, F

from ops.addresses import identity

BATCH = 1000


def fill(model, field):
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                model.objects.filter(pk__gt=last, identity=None)
                .order_by("pk")
                .only("pk", field)[:BATCH]
            )
            if not batch:
                return
            for row in batch:
                row.identity = identity(getattr(row, field))
            model.objects.bulk_update(batch, ["identity"])
        last = batch[-1].pk


def keep_one(kept, other) -> bool:
    """Whether `other` should replace `kept` as the one subscription to a topic."""
    return kept.active_since is None and other.active_since is not None


def merge(apps, address_identity):
    Address = apps.get_model("notifications", "Address")
    Subscription = apps.get_model("notifications", "Subscription")
    NewPostSubscription = apps.get_model("notifications", "NewPostSubscription")
    keep, *others = Address.objects.filter(identity=address_identity).order_by(
        F("confirmed_at").asc(nulls_last=True), "created_at", "pk"
    )
    for other in others:
        for subscription in Subscription.objects.filter(address=other):
            kept = Subscription.objects.filter(
                address=keep, post_id=subscription.post_id, thread_id=subscription.thread_id
            ).first()
            if kept is not None and keep_one(kept, subscription):
                kept.delete()
                kept = None
            if kept is None:
                Subscription.objects.filter(pk=subscription.pk).update(address=keep)
            else:
                subscription.delete()
        newsletter = NewPostSubscription.objects.filter(address=other).first()
        if newsletter is not None:
            kept = NewPostSubscription.objects.filter(address=keep).first()
            if kept is not None and keep_one(kept, newsletter):
                kept.delete()
                kept = None
            if kept is None:
                NewPostSubscription.objects.filter(pk=newsletter.pk).update(address=keep)
            else:
                newsletter.delete()
        other.delete()


def fill_and_merge(apps, schema_editor):
    Address = apps.get_model("notifications", "Address")
    DataLink = apps.get_model("notifications", "DataLink")
    fill(Address, "email")
    fill(DataLink, "email")
    shared = (
        Address.objects.exclude(identity=None)
        .values("identity")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("identity", flat=True)
    )
    for address_identity in list(shared):
        with transaction.atomic():
            merge(apps, address_identity)


class Migration(migrations.Migration):
    atomic = False  # a data migration in batches, outside one long transaction

    dependencies = [("notifications", "0005_delivery_message_id")]

    operations = [
        migrations.AddField(
            model_name="address",
            name="identity",
            field=models.TextField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="datalink",
            name="identity",
            field=models.TextField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_and_merge, migrations.RunPython.noop),
    ]
