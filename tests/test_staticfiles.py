"""Static files: hashed names cached for a year, compressed copies made at collectstatic time.

These read STATIC_ROOT as `make setup` leaves it (collectstatic runs before the tests).
"""

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static


@pytest.fixture
def hashed_stylesheet():
    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        pytest.fail("STATIC_ROOT has no manifest: run `make setup` (collectstatic) first")
    return static("css/site.css")


def test_a_hashed_file_is_cached_for_a_year_and_never_revalidated(client, hashed_stylesheet):
    response = client.get(hashed_stylesheet)
    assert response.status_code == 200
    directives = {item.strip() for item in response.headers["Cache-Control"].split(",")}
    assert directives == {"max-age=31536000", "public", "immutable"}


@pytest.mark.parametrize(("accept", "encoding"), [("br, gzip", "br"), ("gzip", "gzip")])
def test_a_hashed_file_is_served_compressed_from_its_precompressed_copy(
    client, hashed_stylesheet, accept, encoding
):
    response = client.get(hashed_stylesheet, headers={"accept-encoding": accept})
    assert response.headers["Content-Encoding"] == encoding
    assert response.headers["Vary"] == "Accept-Encoding"


def test_collectstatic_leaves_brotli_and_gzip_copies_of_each_text_file(hashed_stylesheet):
    for name in ["css/site.css", "favicon.svg", "admin/js/core.js"]:
        stored = settings.STATIC_ROOT / staticfiles_storage.stored_name(name)
        assert stored.with_name(stored.name + ".br").exists(), name
        assert stored.with_name(stored.name + ".gz").exists(), name
