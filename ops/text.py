"""Text made fit for one line, written once.

A title becomes a mail subject, and a line break in a header is refused (Django's
`BadHeaderError`): every mail about a post with a line break in its title would fail, retried,
then given up on. Titles are folded where they come in (imports) and subjects where mail is
built (`ops.mail.message`).
"""


def one_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks, tabs, Unicode separators) as one space,
    and none at either end."""
    return " ".join((text or "").split())
