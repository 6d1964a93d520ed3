"""staging.cluster_examples: every count on the 活動事例 slides (TAMA, 近畿バイオ, 北海道).

The slides are passages, not tables: their bullets are raw.text_blocks. Each count found by
:func:`find_counts` is named by the words around it (企業約280社 → companies, 40件以上の連携事例 →
collaboration_cases), never by its position, with the rule mechanism shared with cluster_metrics
(:mod:`pipelines.lib.staging.metric_rules`). A count no rule names is kept as ``unclassified_<unit>``
with its surrounding words in ``scope`` (a WARN check lists it). A network bullet may name fewer than
the four members (an edition may drop one; marts.cluster_networks then shows null). A metric read twice,
or a number before a counter word that cannot be read, fails with CellValueError naming the passage block.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import Count, NormalizeError, clean_text, find_counts
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.metric_rules import MetricRule, context_words, first_rule, unclassified_metric, unique_metric
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.registry import PASSAGE_FAMILIES

TABLE = table("staging.cluster_examples")
PASSAGE_PREFIX = "activity_example_"

# '活動事例1：首都圏西部地域(TAMA)' (block text or registry description) → '首都圏西部地域(TAMA)'
_HEADING = re.compile(r"活動事例\s*[0-9]+\s*[:：]\s*(?P<name>.+)")
# A number (or a garbled stand-in) left right before a counter word once the parsed counts are cut out.
_UNREAD = re.compile(r"[0-9?？]+\s*(?:社|機関|団体|件|大学|校|名|人)")
_MARKER = re.compile(r"[*※]\s*[0-9]+")


# First match wins. Network members: 企業 / 教育機関, 大学・公的研究機関 / 自治体… / 金融機関.
RULES: tuple[MetricRule, ...] = (
    MetricRule("companies", ("companies",), before=r"企業$"),
    MetricRule("universities_research", ("institutions",), before=r"(?:教育機関|大学・公的研究機関|研究機関)$"),
    MetricRule("municipalities", ("organizations",), before=r"自治体[^、]*$"),
    MetricRule("financial_institutions", ("institutions",), before=r"金融機関$"),
    MetricRule("collaboration_cases", ("cases",), after=r"^の連携事例"),
    MetricRule("new_products_per_year", ("cases",), before=r"年間$", after=r"^の新製品"),
    MetricRule("rd_activities", ("cases",), before=r"研究開発活動等?$"),
    MetricRule("ventures_supported", ("companies",), after=r"^のバイオベンチャーについて設立"),
    MetricRule("rd_commercialization_cases", ("cases",), after=r"^(?:\([^)]*\))?の研究開発・製品化事例"),
    MetricRule("university_ventures", ("companies",), before=r"大学発ベンチャーの創出$"),
    MetricRule("university_ventures_it_bio", ("companies",), before=r"うちIT・バイオ分野$"),
    # 連携事例 box: '(株)東洋ボデー+ 4社', '(株)京都モノテック+ 7大学等+ 5社'
    MetricRule("partner_companies", ("companies",), before=r"\+\s*$"),
    MetricRule("partner_universities", ("universities",), before=r"\+\s*$"),
)


def _heading_name(text: str) -> str | None:
    m = _HEADING.search(clean_text(text))
    return m.group("name").strip() if m else None


def _registry_names() -> dict[str, str]:
    """Example names from the passage registry descriptions, the fallback when a slide title is not a block."""
    out: dict[str, str] = {}
    for fam in PASSAGE_FAMILIES:
        if fam.passage_id.startswith(PASSAGE_PREFIX):
            name = _heading_name(fam.description)
            if name:
                out[fam.passage_id] = name
    return out


def _context(count: Count, cleaned: str) -> tuple[str, str]:
    """The text before and after a count in its cleaned bullet."""
    return cleaned[: count.span[0]], cleaned[count.span[1] :]


def _check_all_read(cleaned: str, counts: list[Count]) -> str | None:
    """The first leftover 'number + counter word' the parser did not read, if any."""
    chars = list(cleaned)
    for c in counts:
        chars[c.span[0] : c.span[1]] = " " * (c.span[1] - c.span[0])
    m = _UNREAD.search(_MARKER.sub(" ", "".join(chars)))
    return m.group(0) if m else None


def _example_rows(blocks: pd.DataFrame, document_id: str, passage_id: str, fallback: str | None) -> list[dict]:
    err_page = int(blocks["page"].iloc[0])
    name = next((n for n in map(_heading_name, blocks["text"].astype(str)) if n), fallback)
    if name is None:
        raise CellValueError(document_id, err_page, passage_id, "heading", "", "no 活動事例 heading to name it")
    rows: list[dict] = []
    seen: dict[str, int] = {}
    taken: set[str] = set()  # unclassified metric names used in this example
    for b in blocks.itertuples():
        text, page, cell = str(b.text), int(b.page), f"block {int(b.block_idx)}"
        if _heading_name(text):
            continue
        cleaned = clean_text(text)
        try:
            counts = find_counts(text)
        except NormalizeError as exc:
            raise CellValueError(document_id, page, passage_id, cell, text, str(exc)) from exc
        unread = _check_all_read(cleaned, counts)
        if unread:
            raise CellValueError(document_id, page, passage_id, cell, text, f"cannot read the count {unread!r}")
        found: set[str] = set()
        for c in counts:
            before, after = _context(c, cleaned)
            rule = first_rule(RULES, c.unit, before, after)
            if rule is None:
                metric, scope = unique_metric(unclassified_metric(c.unit), taken), context_words(before, after)
            elif rule.metric in seen:
                again = f"{rule.metric} already read from block {seen[rule.metric]}"
                raise CellValueError(document_id, page, passage_id, cell, text, again)
            else:
                metric, scope = rule.metric, None
            seen[metric] = int(b.block_idx)
            found.add(metric)
            rows.append(
                {
                    "document_id": document_id,
                    "example": name,
                    "metric": metric,
                    "value": float(c.value),
                    "qualifier": c.qualifier,
                    "raw_text": c.raw_text,
                    "scope": scope,
                    "source_page": page,
                    "source_table_id": passage_id,
                    "source_row": int(b.block_idx),
                    "source_col": None,
                }
            )
    return rows


def build_cluster_examples(raw: RawLayer) -> pd.DataFrame:
    """One row per count on the 活動事例 slides, keyed by (document_id, example, metric)."""
    fallback = _registry_names()
    rows: list[dict] = []
    blocks = raw.text_blocks
    if not blocks.empty:
        blocks = blocks[blocks["passage_id"].astype(str).str.startswith(PASSAGE_PREFIX)]
        for (document_id, passage_id), group in blocks.groupby(["document_id", "passage_id"], sort=True):
            group = group.sort_values(["page", "block_idx"])
            rows += _example_rows(group, str(document_id), str(passage_id), fallback.get(str(passage_id)))
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), ignore_index=True)
