"""`manage.py check --deploy` is clean with the production settings README.md documents."""

import os

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
