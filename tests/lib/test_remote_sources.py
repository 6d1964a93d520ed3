"""Remote sources against a real HTTP server on 127.0.0.1: download, pinned hash, stall, retry."""

import hashlib
import http.server
import threading
import time

import pytest

from pipelines.lib.remote_sources import (
    RemoteSource,
    RemoteSourceError,
    fetch_source,
    load_registry,
    remote_fingerprint,
    sync_remote_sources,
)

BODY = b"%PDF-1.4\n" + bytes(range(256)) * 400 + b"\n%%EOF\n"


class Server:
    """A loopback HTTP server whose behaviour per path is scripted by the test."""

    def __init__(self):
        self.plans: dict[str, list] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                plan = server.plans.get(self.path, [404])
                step = plan.pop(0) if len(plan) > 1 else plan[0]
                if step == "stall":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(BODY)))
                    self.end_headers()
                    self.wfile.write(BODY[:100])
                    self.wfile.flush()
                    time.sleep(3)
                    return
                if isinstance(step, int):
                    self.send_error(step)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(step)))
                self.end_headers()
                self.wfile.write(step)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def test_download_streams_the_body_into_the_raw_folder(server, tmp_path):
    server.plans["/deck.pdf"] = [BODY]
    pinned = hashlib.sha256(BODY).hexdigest()
    result = fetch_source(RemoteSource(server.url("/deck.pdf"), "deck.pdf", pinned), tmp_path, timeout_s=2)
    assert (tmp_path / "deck.pdf").read_bytes() == BODY
    assert (result.status, result.sha256, result.bytes, result.attempts) == ("downloaded", pinned, len(BODY), 1)
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pdf"]  # no temp file left behind
    again = fetch_source(RemoteSource(server.url("/deck.pdf"), "deck.pdf", pinned), tmp_path, timeout_s=2)
    assert again.status == "unchanged" and server.hits["/deck.pdf"] == 1


def test_hash_mismatch_stops_with_a_clear_message_and_keeps_the_old_file(server, tmp_path):
    old = b"%PDF-1.4 previous edition"
    (tmp_path / "deck.pdf").write_bytes(old)
    server.plans["/deck.pdf"] = [BODY]
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(RemoteSourceError, match=r"deck\.pdf: sha256 mismatch .* previous file was kept") as err:
        fetch_source(RemoteSource(server.url("/deck.pdf"), "deck.pdf", wrong), tmp_path, timeout_s=2)
    assert wrong in str(err.value) and hashlib.sha256(BODY).hexdigest() in str(err.value)
    assert (tmp_path / "deck.pdf").read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pdf"]


def test_a_stalled_server_times_out_after_the_retries(server, tmp_path):
    server.plans["/slow.pdf"] = ["stall"]
    started = time.monotonic()
    with pytest.raises(RemoteSourceError, match=r"failed after 2 attempts.*timed out"):
        fetch_source(
            RemoteSource(server.url("/slow.pdf"), "slow.pdf"), tmp_path, timeout_s=0.3, retries=1, backoff_s=0.01
        )
    assert time.monotonic() - started < 2.5  # bounded by the timeout, not by the 3 s stall
    assert server.hits["/slow.pdf"] == 2
    assert not (tmp_path / "slow.pdf").exists()


def test_a_500_is_retried_and_the_200_that_follows_is_kept(server, tmp_path):
    server.plans["/flaky.pdf"] = [500, BODY]
    logs = []
    result = fetch_source(
        RemoteSource(server.url("/flaky.pdf"), "flaky.pdf"), tmp_path, timeout_s=2, backoff_s=0.01, log=logs.append
    )
    assert result.attempts == 2 and server.hits["/flaky.pdf"] == 2
    assert (tmp_path / "flaky.pdf").read_bytes() == BODY
    assert "attempt 1 failed" in logs[0] and "500" in logs[0]


def test_a_404_is_not_retried(server, tmp_path):
    with pytest.raises(RemoteSourceError, match="404"):
        fetch_source(RemoteSource(server.url("/missing.pdf"), "missing.pdf"), tmp_path, timeout_s=2, backoff_s=0.01)
    assert server.hits["/missing.pdf"] == 1


def test_sync_reads_the_registry_and_does_nothing_without_one(server, tmp_path):
    assert sync_remote_sources(tmp_path) == []
    server.plans["/a.pdf"] = [BODY]
    (tmp_path / "sources.yaml").write_text(f"- url: {server.url('/a.pdf')}\n  file_name: a.pdf\n", encoding="utf-8")
    [result] = sync_remote_sources(tmp_path, timeout_s=2)
    assert result.file_name == "a.pdf" and (tmp_path / "a.pdf").read_bytes() == BODY
    unpinned = load_registry(tmp_path / "sources.yaml")[0]
    assert remote_fingerprint(unpinned, timeout_s=2) == hashlib.sha256(BODY).hexdigest()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- url: http://x/a.pdf\n", "needs url and file_name"),
        ("- url: http://x/a\n  file_name: ../a.pdf\n", "plain"),
        ("- url: http://x/a\n  file_name: a.pdf\n  sha256: abc\n", "64 hex"),
        ("url: nope\n", None),
    ],
)
def test_registry_entries_are_checked(tmp_path, text, message):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    if message is None:
        assert load_registry(path) == []
    else:
        with pytest.raises(RemoteSourceError, match=message):
            load_registry(path)
