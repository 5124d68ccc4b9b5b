import factory
from django.contrib.auth import get_user_model

from blog.models import Post

# Every test user's password: log in with it.
PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    """A staff superuser: may do anything in the admin (the site's editors)."""

    is_staff = True
    is_superuser = True


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-number-{n}")
    description = "A post written for the tests."
    body = "An opening paragraph.\n\n## A section\n\nSome *emphasis* and a [link](https://example.com)."
    status = Post.Status.PUBLISHED


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "comments.Comment"

    post = factory.SubFactory(PostFactory)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.LazyAttribute(lambda comment: f"{comment.name.replace(' ', '.')}@example.com")
    body = factory.Sequence(lambda n: f"Comment number {n}, with *emphasis*.")
    status = "approved"
    ip_address = "192.0.2.10"
