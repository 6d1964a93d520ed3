"""Fault class 7: a PDF that makes pdfplumber slow or huge ends with a clear error at a configurable limit."""

import time

import pytest

from pipelines.lib.errors import SourceDocumentError
from pipelines.lib.pdf.document import inspect_document
from pipelines.lib.tables.extract import extract_document, page_time_limit
from tests.reliability.pdfs import write_blank_pdf, write_slow_pdf
from tests.support import failure_messages, refresh


@pytest.fixture(scope="module")
def slow_pdf(tmp_path_factory):
    # 20,000 crossing segments on one page: pdfplumber's table finder runs for many minutes without a limit.
    return write_slow_pdf(tmp_path_factory.mktemp("slow") / "lattice.pdf", segments=20_000)


@pytest.mark.timeout(60, method="thread")
def test_page_time_limit_interrupts_a_hanging_page(slow_pdf):
    started = time.monotonic()
    with pytest.raises(SourceDocumentError) as err:
        extract_document(slow_pdf, page_timeout_s=0.5)
    assert time.monotonic() - started < 10
    assert (err.value.file_name, err.value.page) == ("lattice.pdf", 1)
    assert "per-page time limit of 0.5 s" in str(err.value) and str(err.value).startswith("lattice.pdf, page 1:")


def test_page_time_limit_restores_an_outer_timer():
    import signal

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with page_time_limit("x.pdf", 1, 5.0):
            pass
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0  # re-armed with its remaining time
        time.sleep(0.5)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_page_time_limit_off_the_main_thread_reports_after_the_page():
    import threading

    caught = []

    def work():
        try:
            with page_time_limit("x.pdf", 3, 0.05):
                time.sleep(0.2)
        except SourceDocumentError as exc:
            caught.append(str(exc))

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert caught and caught[0].startswith("x.pdf, page 3: took 0.2 s")


def test_page_limit_refuses_a_huge_document(tmp_path):
    path = write_blank_pdf(tmp_path / "huge.pdf", pages=30)
    with pytest.raises(SourceDocumentError, match=r"^huge\.pdf: has 30 pages, over the limit of 20"):
        inspect_document(path, max_pages=20)


@pytest.mark.timeout(120, method="thread")
def test_limits_are_configurable_and_stop_the_refresh(site, slow_pdf):
    before = site.hashes()
    (site.raw / "lattice.pdf").write_bytes(slow_pdf.read_bytes())
    started = time.monotonic()
    result = refresh(site.raw, site.warehouse, page_timeout_s=1.0)
    assert time.monotonic() - started < 60
    assert not result.success
    messages = failure_messages(result)
    assert any("lattice.pdf, page 1: stopped after 1 s, over the per-page time limit" in m for m in messages), messages
    assert site.hashes() == before

    (site.raw / "lattice.pdf").unlink()
    write_blank_pdf(site.raw / "huge.pdf", pages=30)
    result = refresh(site.raw, site.warehouse, max_pages=29)
    assert not result.success
    assert any("huge.pdf: has 30 pages, over the limit of 29" in m for m in failure_messages(result))
    assert site.hashes() == before


@pytest.mark.timeout(60, method="thread")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_time_limit_a_finalizer_swallowed_still_stops_the_page():
    # Python ignores an exception raised in __del__ or a weakref callback (as in a GC run inside SQLAlchemy):
    # the first alarm lands there, the next one stops the page.
    class SlowToDelete:
        def __del__(self) -> None:
            time.sleep(1.0)  # the 0.5 s alarm fires in here

    started = time.monotonic()
    with pytest.raises(SourceDocumentError, match=r"stopped after 0\.5 s"), page_time_limit("slow.pdf", 1, 0.5):
        SlowToDelete()  # deleted at once
        while time.monotonic() - started < 20:
            pass
    assert time.monotonic() - started < 5


@pytest.mark.timeout(60, method="thread")
def test_page_time_limit_works_when_the_process_blocked_sigalrm(slow_pdf):
    # A host process or library may block SIGALRM; the limit unblocks it for the page and restores the mask.
    import signal

    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        with pytest.raises(SourceDocumentError, match="per-page time limit"):
            extract_document(slow_pdf, page_timeout_s=0.5)
        assert signal.SIGALRM in signal.pthread_sigmask(signal.SIG_BLOCK, set())
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
