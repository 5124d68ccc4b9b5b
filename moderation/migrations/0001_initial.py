"""Moderation becomes an app of its own, every kind's.

Ban and ModeratorPreference move here from comments: their tables and rows stay as they are
(db_table), only Django's state moves (comments 0011 lets go of them), and their content types
and permissions come along, so moderators keep what they may do. The moderation log becomes
generic (content type and object id): every decision on a comment is copied, with its id, from
comments_moderationdecision, which stays for one release (dropped in the next).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

MOVED = ["ban", "moderatorpreference"]
MODERATOR_PERMISSIONS = ["view_moderationdecision"]


def move_content_types(apps, schema_editor):
    """The moved models' content types (and so their permissions) now name this app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="moderation", model__in=MOVED).delete()
    ContentType.objects.filter(app_label="comments", model__in=MOVED).update(
        app_label="moderation"
    )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="moderation", model__in=MOVED).update(
        app_label="comments"
    )


def copy_decisions(apps, schema_editor):
    """Every decision on a comment, with its id, into the generic log."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    comment_type, _ = ContentType.objects.get_or_create(app_label="comments", model="comment")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO moderation_moderationdecision (id, content_type_id, object_id,"
            " moderator_id, from_status, to_status, channel, decided_at, undone_by_id, undone_at)"
            " SELECT id, %s, comment_id, moderator_id, from_status, to_status, channel,"
            " decided_at, undone_by_id, undone_at FROM comments_moderationdecision ORDER BY id",
            [comment_type.pk],
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('moderation_moderationdecision', 'id'),"
            " COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM moderation_moderationdecision"
        )


def grant(apps, schema_editor):
    """Moderators read the new log as they read the old one."""
    moderation_app = apps.get_app_config("moderation")
    moderation_app.models_module = True
    create_permissions(moderation_app, apps=apps, verbosity=0)
    moderation_app.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for moderators in Group.objects.filter(name="Moderators"):
        moderators.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="moderation", codename__in=MODERATOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('comments', '0010_comment_identity'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ModeratorPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('daily_digest', models.BooleanField(default=False, help_text='One mail a day listing everything pending, instead of one mail each.')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='moderator_preference', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'comments_moderatorpreference',
                    },
                ),
                migrations.CreateModel(
                    name='Ban',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('email', 'Email address'), ('domain', 'Domain (of an email address or a website)'), ('network', 'IP range (CIDR)'), ('account', 'Fediverse account'), ('instance', 'Fediverse instance')], max_length=10)),
                        ('value', models.CharField(help_text='ada@example.com, example.com, 203.0.113.0/24 (one address: 203.0.113.7/32), @ada@social.example, or social.example', max_length=254)),
                        ('note', models.CharField(blank=True, help_text='Why, for other moderators.', max_length=200)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'comments_ban',
                        'constraints': [models.UniqueConstraint(fields=('kind', 'value'), name='one_ban_per_value')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.CreateModel(
            name='ModerationDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.BigIntegerField()),
                ('from_status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('spam', 'Spam'), ('gone', 'Gone')], max_length=10)),
                ('to_status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('spam', 'Spam'), ('gone', 'Gone')], max_length=10)),
                ('channel', models.CharField(choices=[('admin', 'Admin'), ('mail', 'Mail link')], default='admin', max_length=10)),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('undone_at', models.DateTimeField(blank=True, null=True)),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                ('moderator', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('undone_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-decided_at', '-pk'],
                'indexes': [models.Index(fields=['content_type', 'object_id', '-decided_at'], name='moderation__content_71cbaf_idx')],
            },
        ),
        migrations.RunPython(copy_decisions, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
