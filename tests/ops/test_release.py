"""The release digest covers every site app found in the registry, with no list to edit."""

import pytest

from ops.release import release
from ops.site_apps import site_apps

NEW_APP_CONFIG = """\
from ops import site_apps


class TagsConfig(site_apps.SiteAppConfig):
    name = "tags"
"""


@pytest.fixture
def fresh_release():
    release.cache_clear()
    yield release
    release.cache_clear()


@pytest.fixture
def tags_app(tmp_path, monkeypatch):
    """A new app, `tags`, on the import path but not installed yet."""
    folder = tmp_path / "tags"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "apps.py").write_text(NEW_APP_CONFIG)
    (folder / "views.py").write_text("# the first version of the tags app\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return folder


def test_the_site_apps_are_ours_alone():
    assert [app.label for app in site_apps()] == [
        "blog",
        "moderation",
        "comments",
        "notifications",
        "transfer",
        "webmentions",
        "ops",
    ]


def test_a_new_app_is_part_of_the_release_without_editing_any_list(
    tags_app, settings, fresh_release, client, post
):
    before = client.get(post.get_absolute_url())["ETag"]

    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tags"]
    fresh_release.cache_clear()
    assert "tags" in [app.label for app in site_apps()]
    with_tags = client.get(post.get_absolute_url())["ETag"]
    assert with_tags != before

    (tags_app / "views.py").write_text("# the second version of the tags app\n")
    fresh_release.cache_clear()
    assert client.get(post.get_absolute_url())["ETag"] != with_tags


def test_django_and_other_libraries_are_not_part_of_the_release(settings, fresh_release):
    digest = fresh_release()
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "markdownx"]
    fresh_release.cache_clear()
    assert fresh_release() == digest
