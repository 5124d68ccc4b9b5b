"""The documents name files that exist: a pointer to a moved or renamed file fails here, not in a
reader's hands. Every backticked path ending in .py, .html or .md in docs/architecture.md (and
the other documents) must be in the tree: from the project's root, as a template name, or (in
the architecture's apps table) inside that row's app."""

import re

import pytest

from tests.support.servers import PROJECT_DIR

DOCUMENTS = ["README.md", *sorted(f"docs/{path.name}" for path in PROJECT_DIR.glob("docs/*.md"))]
PATH = re.compile(r"`([\w./-]+\.(?:py|html|md))`")
ROW_APP = re.compile(r"^\| `(\w+)/` \|")
# The recipe "A new app" shows an app that does not exist: its files are an example.
EXAMPLE_APPS = ("events/", "fediverse/")  # the recipes' examples, not in the tree


def named_paths(document: str) -> list[tuple[int, str, str | None]]:
    """(line number, path, the app of the table row it is in, if any)."""
    found = []
    text = (PROJECT_DIR / document).read_text()
    for number, line in enumerate(text.splitlines(), start=1):
        row = ROW_APP.match(line)
        for path in PATH.findall(line):
            found.append((number, path, row.group(1) if row else None))
    return found


def exists(path: str, app: str | None) -> bool:
    places = [PROJECT_DIR / path, PROJECT_DIR / "templates" / path]
    places += [folder / path for folder in PROJECT_DIR.glob("*/templates")]
    if app is not None:
        places.append(PROJECT_DIR / app / path)
    return any(place.is_file() for place in places)


def test_the_documents_list_is_complete():
    assert set(DOCUMENTS) == {
        "README.md",
        *(f"docs/{p.name}" for p in PROJECT_DIR.glob("docs/*.md")),
    }


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_file_a_document_names_exists(document):
    paths = named_paths(document)
    missing = [
        f"{document}, line {number}: {path}"
        for number, path, app in paths
        if not path.startswith(EXAMPLE_APPS) and not exists(path, app)
    ]
    assert missing == []


def test_the_architecture_names_its_files_in_backticks():
    """The check above reads backticked paths: the architecture still writes them so."""
    assert len(named_paths("docs/architecture.md")) > 50
