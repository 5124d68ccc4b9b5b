"""A signed cookie that remembers a few ids for one browser (its own comments, the addresses it
confirmed). Set only once a reader has acted, so readers who never do get no cookie at all."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class IdCookie:
    name: str
    salt: str
    kept: int  # the newest ids kept
    max_age: int  # seconds

    def ids(self, request) -> list[int]:
        value = request.get_signed_cookie(
            self.name, default="", salt=self.salt, max_age=self.max_age
        )
        return [int(pk) for pk in value.split(",") if pk.isdigit()]

    def add(self, request, response, pk: int) -> None:
        ids = [*(known for known in self.ids(request) if known != pk), pk][-self.kept :]
        response.set_signed_cookie(
            self.name,
            ",".join(map(str, ids)),
            salt=self.salt,
            max_age=self.max_age,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
