"""/healthz: what a load balancer polls every second."""

from django.urls import reverse


def test_health_answers_200_with_one_query_and_sets_no_cookie(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get(reverse("ops:health"))

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
