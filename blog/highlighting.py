"""Code highlighting: Pygments turns a fenced block with a language into spans with classes.

The colours are in a static stylesheet, static/css/code.css, written by
`manage.py highlight_css` from two Pygments styles chosen for contrast on the site's code
background (every token colour at least 4.5:1): "xcode" for the light scheme and "lightbulb"
for the dark one, switched by `prefers-color-scheme` as the site's own colours are. No style
attribute is ever written (the site's CSP refuses them). tests/blog/test_highlighting.py checks
that the committed stylesheet is the one this module writes.
"""

from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

LIGHT_STYLE = "xcode"
DARK_STYLE = "lightbulb"
SCOPE = ".highlight"


def highlight(code: str, language: str) -> str | None:
    """`code` as HTML spans with Pygments' classes, or None when the language is unknown."""
    try:
        lexer = get_lexer_by_name(language.strip().lower())
    except ClassNotFound:
        return None
    return pygments_highlight(code, lexer, HtmlFormatter(nowrap=True))


def _token_rules(style: str) -> list[str]:
    rules = HtmlFormatter(style=style).get_token_style_defs(SCOPE)
    # The box's background is the site's (--surface); only the tokens' colours come from here.
    return [line for line in rules if "background" not in line]


def _selector(rule: str) -> str:
    return rule.partition("{")[0].strip()


def stylesheet() -> str:
    """The CSS for highlighted code, light and dark."""
    light, dark = _token_rules(LIGHT_STYLE), _token_rules(DARK_STYLE)
    # A token the dark style leaves alone must not keep its light colour on the dark background.
    dark_selectors = {_selector(rule) for rule in dark}
    resets = [
        f"{_selector(rule)} {{ color: inherit; font-weight: inherit; font-style: inherit }}"
        for rule in light
        if _selector(rule) not in dark_selectors
    ]
    dark = "\n".join("  " + line for line in resets + dark)
    light = "\n".join(light)
    return (
        "/* Written by `manage.py highlight_css` (blog/highlighting.py): do not edit. */\n"
        f"/* Light: Pygments' {LIGHT_STYLE} style. Dark: its {DARK_STYLE} style. */\n"
        f"{light}\n"
        "@media (prefers-color-scheme: dark) {\n"
        f"{dark}\n"
        "}\n"
    )
