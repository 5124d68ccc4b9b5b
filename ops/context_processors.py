from django.conf import settings


def site(request):
    """The blog's name and tagline, shown in every page's header and meta tags."""
    return {"blog_title": settings.BLOG_TITLE, "blog_description": settings.BLOG_DESCRIPTION}
