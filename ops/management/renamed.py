"""Management commands under their old names, for one release: the names now join their words
with underscores, as Django's own do (`import_wordpress`, `backup_db`). An old name's module is

    from blog.management.commands.load_posts import Command as LoadPosts
    from ops.management.renamed import renamed

    Command = renamed(LoadPosts, old_name="loadposts")

It does what the new one does and says on stderr that the old name goes. Delete those modules,
and this one, in the next release."""

from django.core.management.base import BaseCommand


def renamed(command: type[BaseCommand], old_name: str) -> type[BaseCommand]:
    """The command class `command`, run under `old_name`, warning on stderr that it is renamed."""
    new_name = command.__module__.rpartition(".")[2]
    warning = (
        f"`manage.py {old_name}` is renamed `manage.py {new_name}`; "
        "the old name stops working in the next release."
    )

    class Command(command):
        help = f"Old name of `{new_name}`, which it runs; it stops working in the next release."

        def handle(self, *args, **options):
            self.stderr.write(warning, self.style.WARNING)
            return super().handle(*args, **options)

    return Command
