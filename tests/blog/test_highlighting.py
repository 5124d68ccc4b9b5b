"""The stylesheet of highlighted code (blog/highlighting.py)."""

from pathlib import Path

from blog import highlighting

CODE_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "code.css"


def _luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(character * 2 for character in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_committed_stylesheet_is_the_one_manage_py_highlight_css_writes():
    assert CODE_CSS.read_text(encoding="utf-8") == highlighting.stylesheet()


def test_the_stylesheet_has_a_dark_scheme_and_no_backgrounds():
    css = highlighting.stylesheet()
    assert "@media (prefers-color-scheme: dark)" in css
    assert "background" not in css


def test_every_token_colour_reads_at_4_5_to_1_on_the_sites_code_background():
    """site.css's --surface: #f3f4f6 in the light scheme, #1b2027 in the dark one."""
    light, _, dark = highlighting.stylesheet().partition("@media (prefers-color-scheme: dark)")
    for css, background in ((light, "#f3f4f6"), (dark, "#1b2027")):
        colours = [part.split(";")[0].split("}")[0].strip() for part in css.split("color: ")[1:]]
        for colour in (c for c in colours if c.startswith("#")):
            assert contrast(colour, background) >= 4.5, (colour, background)
