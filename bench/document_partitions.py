"""Per-document partitions of the extraction, as Dagster definitions: the unit of parallelism of docs/scaling.md.

`raw/document_extract` is dynamically partitioned (`documents`, one key per PDF = its `document_id`). Each
partition runs the production extraction (`extract_document`, the function `raw_extraction` calls) on its own PDF
and writes that document's raw frames as Parquet under `<out>/<document_id>/<frame>.parquet`: the per-document files
the distributed design of docs/scaling.md hands to one loader step. The code location runs every step on the
multiprocess executor; `bench.dagster_parallel` launches one run per partition, or one run per range of
partitions (`BackfillPolicy.single_run()` lets a run take a range), 1 or 2 at a time.

Settings come from the environment: BENCH_CORPUS_DIR (the PDFs) and BENCH_EXTRACT_DIR (the Parquet output).
"""

import os
from pathlib import Path

import dagster as dg

from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.extract import extract_document

DOCUMENTS = dg.DynamicPartitionsDefinition(name="documents")
FRAMES = ("tables", "table_cells", "table_annotations", "text_blocks")


class CorpusSettings(dg.ConfigurableResource):
    """Where the partitioned PDFs are and where their extracts go."""

    corpus_dir: str
    extract_dir: str


def write_document_extract(pdf: Path, out: Path) -> dict[str, int]:
    """Extract one PDF and write its raw frames as Parquet in `out` (replaced whole); rows per frame."""
    layer = RawLayer.from_extractions([extract_document(pdf)])
    staging = out.with_name(out.name + ".partial")
    staging.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in FRAMES:
        df = getattr(layer, name)
        df.to_parquet(staging / f"{name}.parquet", index=False)
        counts[name] = len(df)
    if out.exists():
        for old in out.iterdir():
            old.unlink()
        out.rmdir()
    os.replace(staging, out)
    return counts


@dg.asset(
    key=["raw", "document_extract"],
    partitions_def=DOCUMENTS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="raw",
    kinds={"pdf", "parquet"},
)
def document_extract(context: dg.AssetExecutionContext, corpus: CorpusSettings) -> dg.MaterializeResult:
    """Each PDF's tables, cells, annotations and passages (the production extractor), as Parquet per document.

    A run targets one partition or a range of them (a backfill may batch documents to spread start-up).
    """
    totals = dict.fromkeys(FRAMES, 0)
    for document_id in context.partition_keys:
        pdf = Path(corpus.corpus_dir) / f"{document_id}.pdf"
        counts = write_document_extract(pdf, Path(corpus.extract_dir) / document_id)
        context.log.info(f"{pdf.name}: {counts}")
        totals = {name: totals[name] + counts[name] for name in FRAMES}
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": totals["table_cells"],
            "documents": len(context.partition_keys),
            **{f"{name}_rows": n for name, n in totals.items()},
        }
    )


extract_documents_job = dg.define_asset_job(
    "extract_documents_job",
    selection=[document_extract],
    partitions_def=DOCUMENTS,
    executor_def=dg.multiprocess_executor,
    description="Extract one source PDF per run (partition = document_id), its step in its own process.",
)

defs = dg.Definitions(
    assets=[document_extract],
    jobs=[extract_documents_job],
    resources={
        "corpus": CorpusSettings(
            corpus_dir=dg.EnvVar("BENCH_CORPUS_DIR"),
            extract_dir=dg.EnvVar("BENCH_EXTRACT_DIR"),
        )
    },
    executor=dg.multiprocess_executor,
)
