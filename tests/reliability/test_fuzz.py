"""Short fuzz run (FUZZ_MUTANTS, default 100) over an excerpt of the real deck; `make fuzz` runs 1,000 on all of it."""

import os

import pytest
from pypdf import PdfReader, PdfWriter

from tests.reliability.fuzz import mutate, run, summarize
from tests.support import DECK

COUNT = int(os.environ.get("FUZZ_MUTANTS", "100"))


@pytest.fixture(scope="module")
def excerpt(tmp_path_factory):
    """Pages 6 and 10 of the deck (foreign_policies, policy_tools_1), so 100 mutants take seconds, not minutes."""
    writer = PdfWriter()
    reader = PdfReader(DECK)
    for index in (5, 9):
        writer.add_page(reader.pages[index])
    path = tmp_path_factory.mktemp("fuzz") / "excerpt.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_mutants_are_reproducible():
    data = DECK.read_bytes()
    assert mutate(data, 41) == mutate(data, 41) != mutate(data, 42)
    assert mutate(data, 41) != data


@pytest.mark.timeout(600, method="thread")
def test_every_mutant_extracts_or_raises_a_pipeline_error(excerpt):
    outcomes = run(excerpt, COUNT)
    bad = {seed: v for seed, v in outcomes.items() if v.startswith(("UNEXPECTED", "HANG"))}
    print(dict(summarize(outcomes)))
    assert bad == {}
    assert len(outcomes) == COUNT
