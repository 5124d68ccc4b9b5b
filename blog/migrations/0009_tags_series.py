"""Tags and series, and the page cache's NOTIFY when they change (as 0007 does for posts).

Tags and series are few and seldom edited: any write to them notifies. A post's tags (the
through table) notify when the post is published (or scheduled): a draft's tags show nowhere.
"""


import blog.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


CHANNEL = "page_cache"  # settings.PAGE_CACHE_CHANNEL

CREATE = f"""
CREATE FUNCTION blog_notify_taxonomy_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE FUNCTION blog_notify_post_tags_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    public boolean := false;
BEGIN
    IF TG_OP = 'INSERT' THEN
        public := EXISTS (SELECT FROM new_rows JOIN blog_post ON blog_post.id = new_rows.post_id
                          WHERE blog_post.status = 'published');
    ELSE
        public := EXISTS (SELECT FROM old_rows JOIN blog_post ON blog_post.id = old_rows.post_id
                          WHERE blog_post.status = 'published');
    END IF;
    IF public THEN
        PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER blog_tag_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON blog_tag
    FOR EACH STATEMENT EXECUTE FUNCTION blog_notify_taxonomy_change();
CREATE TRIGGER blog_series_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON blog_series
    FOR EACH STATEMENT EXECUTE FUNCTION blog_notify_taxonomy_change();
CREATE TRIGGER blog_post_tags_notify_on_insert AFTER INSERT ON blog_post_tags
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_notify_post_tags_change();
CREATE TRIGGER blog_post_tags_notify_on_delete AFTER DELETE ON blog_post_tags
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_notify_post_tags_change();
CREATE TRIGGER blog_post_tags_notify_on_truncate AFTER TRUNCATE ON blog_post_tags
    FOR EACH STATEMENT EXECUTE FUNCTION blog_notify_taxonomy_change();
"""

DROP = """
DROP TRIGGER blog_tag_notify ON blog_tag;
DROP TRIGGER blog_series_notify ON blog_series;
DROP TRIGGER blog_post_tags_notify_on_insert ON blog_post_tags;
DROP TRIGGER blog_post_tags_notify_on_delete ON blog_post_tags;
DROP TRIGGER blog_post_tags_notify_on_truncate ON blog_post_tags;
DROP FUNCTION blog_notify_taxonomy_change();
DROP FUNCTION blog_notify_post_tags_change();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0008_post_mail_subscribers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Series',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, unique=True)),
                ('slug', models.SlugField(blank=True, help_text="The series' address: /series/&lt;slug&gt;/. Left empty, it is made from the title.", max_length=200, unique=True)),
                ('description', models.CharField(blank=True, help_text="One or two sentences shown on the series' page.", max_length=300)),
            ],
            options={
                'verbose_name_plural': 'series',
                'ordering': ['title'],
            },
            bases=(blog.models.SlugFromNameMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('slug', models.SlugField(blank=True, help_text="The tag's address: /tags/&lt;slug&gt;/. Left empty, it is made from the name.", max_length=200, unique=True)),
            ],
            options={
                'ordering': ['name'],
            },
            bases=(blog.models.SlugFromNameMixin, models.Model),
        ),
        migrations.AddField(
            model_name='historicalpost',
            name='byline',
            field=models.CharField(blank=True, help_text="The writer's name shown when no author account is chosen (an imported post's author there).", max_length=200),
        ),
        migrations.AddField(
            model_name='historicalpost',
            name='series_order',
            field=models.PositiveIntegerField(blank=True, help_text='Its part in the series: 1, 2, 3...', null=True),
        ),
        migrations.AddField(
            model_name='post',
            name='byline',
            field=models.CharField(blank=True, help_text="The writer's name shown when no author account is chosen (an imported post's author there).", max_length=200),
        ),
        migrations.AddField(
            model_name='post',
            name='series_order',
            field=models.PositiveIntegerField(blank=True, help_text='Its part in the series: 1, 2, 3...', null=True),
        ),
        migrations.AddField(
            model_name='historicalpost',
            name='series',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='blog.series'),
        ),
        migrations.AddField(
            model_name='post',
            name='series',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='posts', to='blog.series'),
        ),
        migrations.AddField(
            model_name='post',
            name='tags',
            field=models.ManyToManyField(blank=True, related_name='posts', to='blog.tag'),
        ),
        migrations.AddConstraint(
            model_name='post',
            constraint=models.UniqueConstraint(fields=('series', 'series_order'), name='blog_post_one_part_per_place', violation_error_message='Another post of this series has this part number.'),
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
