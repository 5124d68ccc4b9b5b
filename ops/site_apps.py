"""The project's own apps, as the app registry knows them."""

from django.apps import AppConfig, apps


class SiteAppConfig(AppConfig):
    """The base of the project's own apps (blog, moderation, comments, notifications, transfer,
    webmentions, ops and any new one).

    The marker attributes below are how the rest of the site finds its apps in the registry, so
    that adding an app to INSTALLED_APPS needs no list edited anywhere else.
    """

    # Its code and templates are part of the release (ops.release.release): a deploy that
    # changes them changes every page's version.
    site_app = True
    # Its models hold what the public pages show: with a replica, they are read from it
    # (ops.db_routers). Django's own apps, axes and the sessions never are.
    public_content = False


def site_apps() -> list[AppConfig]:
    """The project's own apps, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if getattr(config, "site_app", False)]
