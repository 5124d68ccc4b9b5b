"""Moderators may also ban writers, read the moderation log and choose how they hear of
pending comments."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    "add_ban",
    "change_ban",
    "delete_ban",
    "view_ban",
    "view_moderationdecision",
    "add_moderatorpreference",
    "change_moderatorpreference",
    "view_moderatorpreference",
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create this app's now.
    comments_app = apps.get_app_config("comments")
    comments_app.models_module = True
    create_permissions(comments_app, apps=apps, verbosity=0)
    comments_app.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=MODERATOR_PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="comments", codename__in=MODERATOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_moderation")]

    operations = [migrations.RunPython(grant, revoke)]
