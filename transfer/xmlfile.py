"""Reading an import file, which comes from elsewhere: no DTD, no entities, nothing fetched."""

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import parse

from ops.progress import Progress


class ImportFileError(Exception):
    """The file cannot be imported; the message says why and, if it can, where."""


def read_xml(path, progress: Progress) -> Element:
    """The root element of the XML file at `path`, or ImportFileError; reading it is a phase of
    `progress`.

    Any DTD is refused, whatever it declares: a WordPress or Disqus export never has one, and an
    internal subset is how entity bombs and external entities arrive.
    """
    try:
        with progress.reading(path, f"Reading {Path(path).name}") as file:
            # Peeked, not read: standard input cannot seek back.
            start = file.peek(64)[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
            if not start.startswith(b"<"):
                raise ImportFileError(
                    f"{path}: not an XML file (it does not start with “<”); nothing was imported"
                )
            tree = parse(file, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        return tree.getroot()
    except DTDForbidden:
        raise ImportFileError(
            f"{path}: the file declares a DTD (<!DOCTYPE ...>), which an export never has; "
            "refused, nothing was imported"
        ) from None
    except DefusedXmlException as error:
        raise ImportFileError(f"{path}: refused ({error}); nothing was imported") from None
    except ParseError as error:
        line, column = error.position
        reason = str(error).rsplit(": line", 1)[0]
        raise ImportFileError(
            f"{path}: not well-formed XML ({reason}) at line {line}, column {column + 1}; "
            "nothing was imported"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(f"{path}: cannot be read ({error})") from None
