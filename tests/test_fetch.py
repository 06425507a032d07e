"""`socplan fetch` against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analysis.catalogue import Source, load_catalogue
from analysis.data.fetch import FetchError, fetch_source

BODY = "kód;obec\n529303;Benešov\n".encode("cp1250") * 200
RPSS = (Path(__file__).parent / "data" / "rpss_sample.json").read_bytes()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        if self.path == "/good.csv":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        elif self.path in ("/rpss.json", "/error-page.json"):
            body = RPSS if self.path == "/rpss.json" else b"<html>Service unavailable</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/truncated.csv":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY[: len(BODY) // 3])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send_error(500, "Internal Server Error")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _source(url: str, sha256: str | None = None) -> Source:
    return Source(
        title="t",
        publisher="ČSÚ",
        publisher_url="https://example.invalid",
        licence="CC BY 4.0",
        url=url,
        path="sub/CR.csv",
        format="csv",
        encoding="cp1250",
        reader="analysis.readers.territory.read_cr_municipalities",
        sha256=sha256,
        required=True,
    )


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_good_download_is_verified_and_placed(server, tmp_path):
    digest = hashlib.sha256(BODY).hexdigest()
    dest = fetch_source("cr", _source(f"{server}/good.csv", digest), tmp_path)
    assert dest == tmp_path / "sub" / "CR.csv"
    assert dest.read_bytes() == BODY
    assert _leftovers(tmp_path) == ["CR.csv"]


def test_truncated_download_leaves_nothing(server, tmp_path):
    with pytest.raises(FetchError, match=r"truncated|failed"):
        fetch_source("cr", _source(f"{server}/truncated.csv"), tmp_path)
    assert _leftovers(tmp_path) == []


def test_server_error_leaves_nothing_and_keeps_old_file(server, tmp_path):
    old = tmp_path / "sub" / "CR.csv"
    old.parent.mkdir()
    old.write_bytes(b"previous good copy")
    with pytest.raises(FetchError, match="500"):
        fetch_source("cr", _source(f"{server}/broken.csv"), tmp_path)
    assert old.read_bytes() == b"previous good copy"
    assert _leftovers(tmp_path) == ["CR.csv"]


def test_checksum_mismatch_is_rejected(server, tmp_path):
    with pytest.raises(FetchError, match="checksum"):
        fetch_source("cr", _source(f"{server}/good.csv", "0" * 64), tmp_path)
    assert _leftovers(tmp_path) == []


def test_catalogue_checksums_match_the_real_files(raw_dir):
    """The stable checksums in params/sources.yaml are those of the real files."""
    checked = 0
    for sid, src in load_catalogue().sources.items():
        path = raw_dir / src.path
        if src.sha256 and path.is_file():
            assert hashlib.sha256(path.read_bytes()).hexdigest() == src.sha256, sid
            checked += 1
    assert checked >= 12


def test_an_interrupted_download_keeps_the_old_file_and_leaves_no_part(
    server, tmp_path, monkeypatch
):
    from analysis.data import fetch

    old = tmp_path / "sub" / "CR.csv"
    old.parent.mkdir()
    old.write_bytes(b"previous good copy")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt  # Ctrl+C after the body arrived, before it is placed

    monkeypatch.setattr(fetch.os, "replace", interrupted)
    digest = hashlib.sha256(BODY).hexdigest()
    with pytest.raises(KeyboardInterrupt):
        fetch_source("cr", _source(f"{server}/good.csv", digest), tmp_path)
    assert old.read_bytes() == b"previous good copy"
    assert _leftovers(tmp_path) == ["CR.csv"]


def _registry_source(url: str) -> Source:
    """The registry as the catalogue has it: published daily, so without a checksum."""
    return load_catalogue().sources["rpss"].model_copy(update={"url": url})


def test_a_registry_without_checksum_is_read_before_it_is_placed(server, tmp_path):
    dest = fetch_source("rpss", _registry_source(f"{server}/rpss.json"), tmp_path)
    assert dest == tmp_path / "rpss" / "rpss.json"
    assert dest.read_bytes() == RPSS


def test_a_registry_download_that_is_not_a_registry_keeps_the_previous_file(server, tmp_path):
    """A daily file has no checksum: an error page served with status 200 is refused by
    the reader, and yesterday's registry stays."""
    old = tmp_path / "rpss" / "rpss.json"
    old.parent.mkdir()
    old.write_bytes(RPSS)
    with pytest.raises(FetchError, match="not a readable") as err:
        fetch_source("rpss", _registry_source(f"{server}/error-page.json"), tmp_path)
    assert "rpss.json" in str(err.value) and "previous file is kept" in str(err.value)
    assert old.read_bytes() == RPSS
    assert _leftovers(tmp_path) == ["rpss.json"]
