"""`manage.py check --deploy` is clean with the production settings README.md documents."""

import os

import pytest
from django.core.management.utils import get_random_secret_key

from tests.support.servers import manage

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": get_random_secret_key(),
    "DJANGO_ALLOWED_HOSTS": "blog.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://blog.example.com",
    "DATABASE_URL": "postgresql://blog:secret@db.example.com:5432/blog",
    "DEFAULT_FROM_EMAIL": "The blog <blog@blog.example.com>",
    "SITE_URL": "https://blog.example.com",
}


def clean_environment() -> dict:
    """This process's environment without any of the site's own settings."""
    own = ("DJANGO_", "DATABASE_", "BLOG_", "REDIS_")
    return {name: value for name, value in os.environ.items() if not name.startswith(own)}


def test_deploy_check_passes_without_a_warning_in_production():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**clean_environment(), **PRODUCTION_ENV},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**clean_environment(), **PRODUCTION_ENV}
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env, check=False)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("old_name", "name", "value"),
    [
        ("COMMENTS_HOLD_WORDS", "COMMENTS_SPAM_WORDS", "casino"),
        ("COMMENTS_TOKEN_MAX_AGE_SECONDS", "FORM_TOKEN_MAX_AGE_SECONDS", "3600"),
    ],
)
def test_production_refuses_to_start_with_a_retired_setting_name_alone(old_name, name, value):
    """Its value would be ignored, silently changing the site: the error names the new name."""
    env = {**clean_environment(), **PRODUCTION_ENV, old_name: value}
    result = manage("check", env=env, check=False)
    assert result.returncode != 0
    assert f"{old_name} is no longer read: set {name} instead." in result.stderr


def test_development_warns_of_a_retired_setting_name_and_ignores_its_value():
    env = {**clean_environment(), "COMMENTS_HOLD_WORDS": "lottery"}
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.COMMENTS_SPAM_WORDS)",
        env=env,
    )
    assert "COMMENTS_HOLD_WORDS is no longer read: set COMMENTS_SPAM_WORDS instead." in (
        result.stderr
    )
    assert "lottery" not in result.stdout
    assert "viagra" in result.stdout  # the default list


def test_a_retired_setting_name_beside_its_new_name_is_ignored_without_a_word():
    env = {
        **clean_environment(),
        **PRODUCTION_ENV,
        "COMMENTS_HOLD_WORDS": "casino",
        "COMMENTS_SPAM_WORDS": "lottery",
    }
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.COMMENTS_SPAM_WORDS)",
        env=env,
    )
    assert "['lottery']" in result.stdout
    assert "no longer read" not in result.stderr
