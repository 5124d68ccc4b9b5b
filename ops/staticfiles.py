"""Static files through WhiteNoise, with hashed names kept by browsers and CDNs for a year."""

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    # A hashed name's content never changes. A year, not WhiteNoise's ten: the longest lifetime
    # HTTP/1.1 asks caches to honour (RFC 2616, 14.21), and what CDNs and audits expect.
    FOREVER = 365 * 24 * 60 * 60
