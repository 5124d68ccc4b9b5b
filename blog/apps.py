# The module, not the class: Django takes any AppConfig class in apps.py for a candidate.
from ops import site_apps


class BlogConfig(site_apps.SiteAppConfig):
    name = "blog"
    public_content = True

    def ready(self):
        from django.db.models.signals import post_save

        from blog import publication
        from blog.models import Post

        post_save.connect(publication.post_saved, sender=Post, dispatch_uid="blog.publication")
