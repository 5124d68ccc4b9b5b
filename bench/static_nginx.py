"""`make bench`'s reference for the nginx front: nginx sending the post page's bytes as one file,
over the TLS and keep-alive settings of deploy/nginx.conf, so that only the microcache differs."""

from contextlib import contextmanager

from ops.local_nginx import FrontProxy, nginx

STATIC_TLS_CONF = """\
server {{
    listen {https_port} ssl;
    listen {http_port};
    ssl_certificate {certificate};
    ssl_certificate_key {certificate_key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:static_tls:10m;
    keepalive_requests 10000;
    root {folder}/www;
    default_type "text/html; charset=utf-8";
    location / {{ try_files /page.html =404; }}
}}
"""


@contextmanager
def static_over_tls(page: bytes, workers: str = "1"):
    """nginx sending `page` at every path over TLS (and plain HTTP on `http_port`), as
    deploy/nginx.conf's server sets TLS up; yield the FrontProxy."""

    def conf(proxy: FrontProxy) -> str:
        (proxy.folder / "www").mkdir(mode=0o755)
        (proxy.folder / "www" / "page.html").write_bytes(page)
        (proxy.folder / "www" / "page.html").chmod(0o644)
        return STATIC_TLS_CONF.format(
            https_port=f"127.0.0.1:{proxy.https_port}",
            http_port=f"127.0.0.1:{proxy.http_port}",
            certificate=proxy.folder / "cert.pem",
            certificate_key=proxy.folder / "key.pem",
            folder=proxy.folder,
        )

    with nginx(conf, workers, ready="/") as proxy:
        yield proxy
