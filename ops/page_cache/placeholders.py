"""Form tokens on stored pages: each answer, hit or miss, carries tokens signed at that moment.

While a page is rendered to be stored, `ops.form_tokens.issue` writes a placeholder (a marker
carrying a random nonce of that rendering, `token_placeholder`) and records the token's scope,
and every answer has it replaced by a token signed at that moment. Only those markers are
replaced: text that looks like one (a comment, a search query) stays text, and only scopes the
page's own forms asked for are ever signed. A page holding a marker of its rendering that is
malformed or unknown is answered as rendered (its sound markers replaced), logged, and not
stored (middleware.PageCache.render)."""

import contextvars
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ops import form_tokens

PLACEHOLDER_START, PLACEHOLDER_END = b"__page_cache_token_", b"__"


@dataclass
class Rendering:
    """One rendering of a page to be stored: the nonce its markers carry (unguessable, so that no
    text on the page can spell one), and the scope each marker stands for."""

    nonce: bytes = field(default_factory=lambda: secrets.token_hex(16).encode())
    scopes: dict = field(default_factory=dict)  # marker (bytes) -> scope

    def marker(self, scope: str) -> bytes:
        for marker, known in self.scopes.items():
            if known == scope:
                return marker
        marker = b"%s%s_%d%s" % (PLACEHOLDER_START, self.nonce, len(self.scopes), PLACEHOLDER_END)
        self.scopes[marker] = scope
        return marker


# Set by the page cache around a rendering it means to store.
rendering_for_cache: contextvars.ContextVar[Rendering | None] = contextvars.ContextVar(
    "page_cache_rendering", default=None
)


def token_placeholder(scope: str) -> str | None:
    """While a page is rendered to be stored, the placeholder to write instead of a token of
    `scope` for an anonymous reader (ops.form_tokens.issue asks); otherwise None."""
    rendering = rendering_for_cache.get()
    if rendering is None:
        return None
    return rendering.marker(scope).decode()


def split_placeholders(body: bytes, rendering: Rendering) -> tuple[list, bool]:
    """The body as [bytes, scope, bytes, scope, ..., bytes], and whether every marker of this
    rendering in it was sound. A malformed or unknown one stays in the bytes, as text."""
    parts, start, searched, sound = [], 0, 0, True
    opening = PLACEHOLDER_START + rendering.nonce + b"_"
    while (found := body.find(opening, searched)) != -1:
        end = body.find(PLACEHOLDER_END, found + len(opening))
        marker = body[found : end + len(PLACEHOLDER_END)] if end != -1 else None
        scope = rendering.scopes.get(marker)
        if scope is None:
            sound = False
            searched = found + len(opening)
            continue
        parts.append(body[start:found])
        parts.append(scope)
        start = searched = found + len(marker)
    parts.append(body[start:])
    return parts, sound


_tokens_this_second: tuple[int, dict] = (0, {})


def _token(scope: str) -> bytes:
    """A token of `scope` dated this second: signed once a second, not for every answer (signing
    was half of a hit's time). Dated to the second's start, the "too fast" rule may judge a
    reader up to a second more leniently, never less."""
    global _tokens_this_second
    second, tokens = _tokens_this_second
    now = int(time.time())
    if second != now:
        second, tokens = _tokens_this_second = (now, {})
    token = tokens.get(scope)
    if token is None:
        rendered_at = datetime.fromtimestamp(second, tz=UTC)
        token = tokens[scope] = form_tokens.issue(scope, None, rendered_at).encode()
    return token


def fresh_tokens(parts: list) -> list[bytes]:
    """[bytes, scope, ..., bytes] with each scope replaced by a token signed this second."""
    return [part if index % 2 == 0 else _token(part) for index, part in enumerate(parts)]
