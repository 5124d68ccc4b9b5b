"""The test toolkit: every helper a test module needs, in one place.

- `factories`: factory_boy factories for users, posts and comments, and the one test PASSWORD.
- `web`: `Reader`, the one HTTP client for the real servers tests start (cookies, a source
  address of the test's choice, no redirects followed), and `until`, the polling wait.
- `forms`: the one HTML form parser (`find_form`), seeing fields as a browser would send them.
- `servers`: `gunicorn()`, the one way to start the site on the test database, and `manage()`.
- `comments`: what a reader's browser sends with the comment form (`form_data`).
- `inert_html`: what in rendered HTML could run script or restyle the page.

Fixtures live in conftest.py files; test modules import from here, never from each other or
from a conftest.
"""
