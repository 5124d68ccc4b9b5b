"""What an import did, said the same way whether it was written or only tried (--dry-run)."""

from collections import Counter, defaultdict


class Report:
    """Counts of what was created and skipped, and notes under headings, printed in a fixed
    order so that a dry run and the real run print the same text."""

    SECTIONS = (
        "Skipped",
        "Slug collisions (the existing post is left as it is)",
        "Threads not matched to a post (their comments were not imported)",
        "Remote images (not fetched: the site shows only its own images; each became a link, "
        "to replace with an upload in the editor)",
        "Dropped HTML (Markdown cannot say it)",
        "Other notes",
    )

    def __init__(self, title: str):
        self.title = title
        # Told what each item became ("post 12 “Title”: created"), for `-v 2`.
        self.on_item = lambda line: None
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.notes: dict[str, list[str]] = defaultdict(list)

    def count(self, kind: str, outcome: str, n: int = 1, what: str = "") -> None:
        self.counts[kind][outcome] += n
        if what:
            self.on_item(f"{what}: {outcome}")

    def note(self, section: str, text: str) -> None:
        assert section in self.SECTIONS, section
        self.notes[section].append(text)

    def skip(self, kind: str, what: str, why: str) -> None:
        self.count(kind, f"skipped ({why})", what=what)
        self.note("Skipped", f"{what}: {why}")

    @property
    def created(self) -> int:
        return sum(counter["created"] for counter in self.counts.values())

    def lines(self) -> list[str]:
        lines = [self.title]
        for kind in ("posts", "tags", "comments", "redirects", "threads", "items"):
            counter = self.counts.get(kind)
            if counter:
                parts = [f"{n} {outcome}" for outcome, n in sorted(counter.items())]
                lines.append(f"{kind.capitalize()}: " + ", ".join(parts))
        for section in self.SECTIONS:
            if self.notes.get(section):
                lines.append(f"{section}:")
                lines.extend(f"  - {text}" for text in self.notes[section])
        if not self.created:
            lines.append("Nothing new was imported.")
        return lines

    def __str__(self):
        return "\n".join(self.lines())
