import pytest

from tests.support.comments import READER_ADDRESS, comment_url, form_data


@pytest.fixture
def send_comment(client, post):
    """Post the comment form as a reader would, from READER_ADDRESS unless told otherwise;
    `HTTP_...` keywords are sent as headers, the others as the form's fields."""

    def send(target=None, *, address=READER_ADDRESS, seconds_ago=30, user=None, **fields):
        target = target or post
        headers = {key: fields.pop(key) for key in list(fields) if key.startswith("HTTP_")}
        data = form_data(target, seconds_ago=seconds_ago, user=user, **fields)
        return client.post(comment_url(target), data, REMOTE_ADDR=address, **headers)

    return send
