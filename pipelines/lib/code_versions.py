"""The code version of each asset: a fingerprint of the code, registry entries, suites and SQL it runs.

An asset's code is the module its body calls and every ``pipelines.lib`` module that one imports, found
by reading the imports (never listed by hand). Dagster shows an asset whose code version changed since
its last materialization as changed, so a change to a builder, a suite or a SQL file points at exactly
the assets it affects.
"""

from __future__ import annotations

from pipelines.lib.editions import extractor_version
from pipelines.lib.fingerprint import LIB, code_fingerprint, module_files
from pipelines.lib.marts import Mart
from pipelines.lib.schema import BY_NAME, Table
from pipelines.lib.staging.registry import STAGING, StagingTable
from pipelines.lib.validation.suites import load_suite, suite_fingerprint


def _entry(spec: Table) -> str:
    """A registry entry as text: its columns, types, descriptions and key."""
    return repr(spec)


def sources_version(spec: Table) -> str:
    """raw.documents: finding and reading the PDFs, fetching remote sources, the documents frame."""
    files = module_files(f"{LIB}.pdf.document", f"{LIB}.remote_sources", f"{LIB}.tables.extract")
    return code_fingerprint(*files, extra=[_entry(spec)])


def raw_version() -> str:
    """The raw layer: the extractor version (pipelines/lib/pdf, pipelines/lib/tables), as meta.extractions has it."""
    return extractor_version()


def staging_version(st: StagingTable) -> str:
    """A staging table: its builder's code, its registry entry and its suite."""
    files = module_files(f"{LIB}.staging.{st.name}", f"{LIB}.staging.raw_layer")
    return code_fingerprint(*files, extra=[_entry(st.spec), suite_fingerprint(load_suite(st.name))])


def builder_version(st: StagingTable) -> str:
    """What builds one document's rows of a staging table: its builder's code and its registry entries."""
    files = module_files(f"{LIB}.staging.{st.name}", f"{LIB}.staging.by_document")
    return code_fingerprint(*files, extra=[_entry(st.spec), repr(st)])


def mart_version(mart: Mart) -> str:
    """A mart: its SQL with the generated blocks filled in, and its registry entry."""
    return code_fingerprint(extra=[mart.sql(), _entry(mart.spec)])


def publish_version() -> str:
    """The published warehouse: publishing (ledger, run history, exports) and the completeness guard."""
    return code_fingerprint(*module_files(f"{LIB}.warehouse.publish", f"{LIB}.staging.completeness"))


def data_docs_version() -> str:
    """The Data Docs: rendering the checks' results (or validating), the vendored assets, every staging suite."""
    suites = [suite_fingerprint(load_suite(st.name)) for st in STAGING]
    return code_fingerprint(*module_files(f"{LIB}.validation.published_docs", f"{LIB}.background"), extra=suites)


def report_version() -> str:
    """The report: pipelines/lib/report and what it imports."""
    return code_fingerprint(*module_files(f"{LIB}.report"))


def typed_tables_version() -> str:
    """The typed tables of the tables no family knows: their builder, suite and store, and their registry entries."""
    files = module_files(f"{LIB}.typed_tables.store")
    entries = [_entry(BY_NAME[n]) for n in ("tables.document_tables", "meta.typed_tables", "meta.typed_columns")]
    return code_fingerprint(*files, extra=entries)
