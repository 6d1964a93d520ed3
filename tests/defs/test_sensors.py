"""raw_sources_sensor with dg.build_sensor_context: one run per change, skips otherwise."""

import hashlib
import json
import os
import shutil
import socket
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.resources import PipelineSettings
from pipelines.defs.sensors import raw_sources_sensor
from pipelines.lib.paths import PROJECT_ROOT

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"


def tick(raw_dir, cursor):
    context = dg.build_sensor_context(cursor=cursor, resources={"settings": PipelineSettings(raw_dir=str(raw_dir))})
    return raw_sources_sensor(context)


def skip_text(result):
    reason = result.skip_reason
    return reason.skip_message if isinstance(reason, dg.SkipReason) else reason


@pytest.fixture
def raw(tmp_path):
    shutil.copy(DECK, tmp_path)
    return tmp_path


def test_first_tick_records_the_sha256_of_every_pdf(raw):
    result = tick(raw, None)
    assert not result.run_requests
    assert json.loads(result.cursor) == {f"file:{DECK.name}": hashlib.sha256(DECK.read_bytes()).hexdigest()}


def test_no_change_gives_no_run(raw):
    cursor = tick(raw, None).cursor
    result = tick(raw, cursor)
    assert not result.run_requests and "no change" in skip_text(result)
    assert result.cursor is None  # cursor untouched


def test_a_changed_file_gives_one_run_with_a_new_run_key(raw):
    cursor = tick(raw, None).cursor
    with (raw / DECK.name).open("ab") as fh:
        fh.write(b"\n% appended\n")
    first = tick(raw, cursor)
    [request] = first.run_requests
    assert request.run_key and request.job_name in (None, "refresh_job")
    assert request.tags["raw_sources/changed"] == f"file:{DECK.name}"
    # the same change seen again (the cursor now holds it) gives no second run
    assert not tick(raw, first.cursor).run_requests
    # a second edition dropped in is another change, with another run key
    shutil.copy(DECK, raw / "meti_cluster_seminar_2005_v2.pdf")
    [second] = tick(raw, first.cursor).run_requests
    assert second.run_key != request.run_key
    assert second.tags["raw_sources/changed"] == "file:meti_cluster_seminar_2005_v2.pdf"


def test_reverting_a_file_is_a_change_with_its_own_run_key(raw):
    original = tick(raw, None).cursor
    (raw / DECK.name).write_bytes(b"%PDF-1.4 other")
    changed = tick(raw, original)
    (raw / DECK.name).write_bytes(DECK.read_bytes())
    reverted = tick(raw, changed.cursor)
    assert reverted.cursor == original
    assert reverted.run_requests[0].run_key != changed.run_requests[0].run_key


def test_an_unreadable_file_gives_a_skip_reason_not_a_crash(raw):
    cursor = tick(raw, None).cursor
    bad = raw / "unreadable.pdf"
    if os.geteuid() != 0:
        bad.write_bytes(b"%PDF-1.4")
        bad.chmod(0)
    elif Path("/proc/self/mem").exists():
        bad.symlink_to("/proc/self/mem")  # a regular file whose first byte is unmapped memory: EIO, even for root
    else:
        pytest.skip("no way to make an unreadable file here")
    result = tick(raw, cursor)
    assert not result.run_requests and result.cursor is None
    assert "cannot read the sources" in skip_text(result) and "unreadable.pdf" in skip_text(result)


def test_an_unreachable_remote_source_gives_a_skip_reason(raw):
    cursor = tick(raw, None).cursor
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: connection refused
    (raw / "sources.yaml").write_text(f"- url: http://127.0.0.1:{port}/deck.pdf\n  file_name: remote.pdf\n")
    result = tick(raw, cursor)
    assert not result.run_requests and "cannot read the sources" in skip_text(result)


def test_a_changed_pin_in_the_registry_is_a_change(raw):
    pin = "a" * 64
    (raw / "sources.yaml").write_text(f"- url: http://127.0.0.1:9/deck.pdf\n  file_name: r.pdf\n  sha256: {pin}\n")
    cursor = tick(raw, None).cursor
    assert json.loads(cursor)["remote:http://127.0.0.1:9/deck.pdf"] == pin
    (raw / "sources.yaml").write_text(f"- url: http://127.0.0.1:9/deck.pdf\n  file_name: r.pdf\n  sha256: {'b' * 64}\n")
    [request] = tick(raw, cursor).run_requests
    assert request.tags["raw_sources/changed"] == "remote:http://127.0.0.1:9/deck.pdf"
