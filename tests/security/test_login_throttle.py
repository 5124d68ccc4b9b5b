"""The admin log-in refuses further attempts after 5 failures for a user name or an address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.support.factories import PASSWORD
from tests.support.servers import gunicorn
from tests.support.web import Reader

LOCKED_OUT_MESSAGE = "Too many failed log-in attempts."


def log_in(client, username, password, address="192.0.2.1"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_wrong_passwords_get_the_form_again_until_the_fifth_locks_the_log_in(client, editor):
    responses = [log_in(client, "editor", "wrong") for _ in range(5)]
    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429]
    assert "Please enter the correct username and password" in responses[0].content.decode()
    assert LOCKED_OUT_MESSAGE in responses[4].content.decode()


@pytest.mark.parametrize("password", ["wrong", PASSWORD], ids=["wrong", "right"])
def test_after_five_failures_even_the_right_password_is_refused_with_429_and_a_message(
    client, editor, password
):
    for _ in range(5):
        log_in(client, "editor", "wrong")
    response = log_in(client, "editor", password)
    assert response.status_code == 429
    assert LOCKED_OUT_MESSAGE in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_from_many_addresses_lock_out_the_user_name(client, editor):
    for number in range(5):
        log_in(client, "editor", "wrong", address=f"198.51.100.{number}")
    response = log_in(client, "editor", PASSWORD, address="203.0.113.9")
    assert response.status_code == 429


def test_failures_for_many_user_names_lock_out_the_address(client, editor):
    for number in range(5):
        log_in(client, f"guess{number}", "wrong", address="198.51.100.7")
    assert log_in(client, "editor", PASSWORD, address="198.51.100.7").status_code == 429
    assert log_in(client, "editor", PASSWORD, address="198.51.100.8").status_code == 302


def test_behind_our_proxy_one_visitors_failures_do_not_lock_out_the_others(
    client, editor, settings
):
    """The address is the one our proxy saw (as for comments), not the proxy's own."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for number in range(5):
        client.post(
            reverse("admin:login"),
            {"username": f"guess{number}", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert response.status_code == 302


def test_the_lockout_lifts_once_the_failures_are_fifteen_minutes_old(client, editor):
    for _ in range(5):
        log_in(client, "editor", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_the_lockout_holds_across_two_server_processes(transactional_db, editor):
    with gunicorn(workers=1) as first_site, gunicorn(workers=1) as second_site:
        first, second = Reader(first_site.url), Reader(second_site.url)
        statuses = [first.log_in("editor", "wrong").status for _ in range(3)]
        statuses += [second.log_in("editor", "wrong").status for _ in range(2)]
        assert statuses == [200, 200, 200, 200, 429]
        assert first.log_in("editor", PASSWORD).status == 429
        assert second.log_in("editor", PASSWORD).status == 429
