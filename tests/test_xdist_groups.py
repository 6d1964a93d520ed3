"""`make test` runs on every core with --dist loadgroup: the tests of an xdist group share one worker, and so the
costly fixture they share (a refresh, an OCR'd scan) is built once. pytest-xdist sends a group to one worker by the
group's name at the end of each test's node id; a pytest that makes node ids anew (9.2 with xdist 3.8) drops it
silently, and every shared fixture is then built on each worker."""

import pytest


@pytest.mark.xdist_group("xdist_check")
def test_a_test_of_an_xdist_group_carries_its_group_in_its_node_id(request):
    if not getattr(request.config.option, "loadgroup", False):  # set in each worker of --dist loadgroup
        pytest.skip("not run with --dist loadgroup")
    assert request.node.nodeid.endswith("@xdist_check"), "pytest-xdist cannot group tests: pin pytest (pyproject.toml)"
