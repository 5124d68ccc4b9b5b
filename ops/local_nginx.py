"""nginx on loopback with the shipped front-proxy configuration (deploy/nginx.conf), in front of
a local gunicorn, as ops.embedded_postgres runs PostgreSQL: for the front-proxy tests
(tests/reliability/test_page_cache_nginx.py) and `make bench` (bench/run.py, which also starts
nginx sending one file over the same TLS with `nginx()`). Each with its own config, pid file,
certificate and cache in a temporary folder in memory, stopped at the end. Debian's nginx-light
(`make test` and `make bench` install it as root)."""

import http.client
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
SITE_CONF = PROJECT_DIR / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"

MAIN_CONF = """\
daemon off;
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/blog.conf;
}}
"""


@dataclass
class FrontProxy:
    https_port: int
    http_port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"https://localhost:{self.https_port}"

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body text) of one request through the proxy, over TLS."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # our own certificate, made for the test
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, timeout=30, context=context
        )
        try:
            connection.request(method, path, body, {"Host": "localhost", **(headers or {})})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode(errors="replace")
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_conf(**values) -> str:
    """deploy/nginx.conf with its {{values}} put in."""
    text = SITE_CONF.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", str(value))
    settings = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert "{{" not in "\n".join(settings), "a value of deploy/nginx.conf was not given"
    return text


def memory_folder(prefix: str) -> Path:
    """A temporary folder in memory (tmpfs) where there is one, as docs/deploy.md asks of the
    microcache, readable by nginx's workers (maybe `nobody`)."""
    shm = Path("/dev/shm")  # noqa: S108 (a folder of our own inside, made by mkdtemp)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=shm if shm.is_dir() else None))
    folder.chmod(0o755)
    return folder


@contextmanager
def front_proxy(upstream: str, workers: str = "1"):
    """nginx with deploy/nginx.conf in front of `upstream` (HOST:PORT); yield the FrontProxy."""

    def conf(proxy: FrontProxy) -> str:
        (proxy.folder / "cache").mkdir(mode=0o777)
        (proxy.folder / "cache").chmod(0o777)  # nginx's workers may run as another user
        return site_conf(
            server_name="localhost 127.0.0.1",
            https_port=f"127.0.0.1:{proxy.https_port}",
            http_port=f"127.0.0.1:{proxy.http_port}",
            certificate=proxy.folder / "cert.pem",
            certificate_key=proxy.folder / "key.pem",
            upstream=upstream,
            cache_dir=proxy.folder / "cache",
        )

    with nginx(conf, workers, ready="/healthz") as proxy:
        yield proxy


@contextmanager
def nginx(site, workers: str, ready: str):
    """nginx on loopback with a certificate of its own and the server `site(proxy)` writes (the
    text of an http-level include), its config, pid file and files in a folder in memory;
    yield the FrontProxy; stopped and removed at the end."""
    if NGINX is None:
        raise AssertionError("nginx is not installed: `make test` installs nginx-light (as root)")
    folder = memory_folder("blog-nginx-")
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    proxy = FrontProxy(free_port(), free_port(), folder)
    (folder / "blog.conf").write_text(site(proxy))
    (folder / "nginx.conf").write_text(MAIN_CONF.format(folder=folder, workers=workers))
    process = subprocess.Popen(  # noqa: S603 (fixed arguments, our own config)
        [
            NGINX,
            "-p",
            str(folder),
            "-c",
            str(folder / "nginx.conf"),
            "-e",
            str(folder / "error.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "nginx.out").open("w"),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"nginx stopped: {(folder / 'nginx.out').read_text()}")
            try:
                proxy.get(ready)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
