"""staging.cluster_projects: the projects listed in the 注 lines under the 発展戦略と課題 tables.

A note reads '注: (東北)未来型ものづくり産業プロジェクト、…、OKINAWA型産業振興プロジェクトの9プロジェクトを
対象とした。'. Its entries are split on 、 (outside brackets) and their number must equal the printed
count. ``region`` is the bureau in a '(東北)' prefix, else the bureau the name starts with
(NAME_REGIONS: 東海 and 北陸 are 中部 bureau projects, OKINAWA is 沖縄). A trailing sub-cluster in
brackets, as in 北海道スーパー・クラスター振興戦略(バイオ産業クラスター), is part of one project of the plan:
it is dropped from ``project_name`` and kept in ``raw_text``.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import clean_text
from pipelines.lib.schema import table
from pipelines.lib.staging.field_strategies import FAMILY, field_of
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer

TABLE = table("staging.cluster_projects")

# The METI regional bureaus (経済産業局) a '(…)' prefix may name.
BUREAUS = ("北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州", "沖縄")
# A project name's leading word → bureau. 東海 and 北陸 projects belong to the 中部 bureau; OKINAWA is 沖縄.
NAME_REGIONS: dict[str, str] = {
    "北海道": "北海道",
    "東北": "東北",
    "関東": "関東",
    "中部": "中部",
    "東海": "中部",
    "北陸": "中部",
    "近畿": "近畿",
    "中国": "中国",
    "四国": "四国",
    "九州": "九州",
    "沖縄": "沖縄",
    "OKINAWA": "沖縄",
}

_NOTE = re.compile(r"^注\s*[:：]\s*(?P<body>.+)の(?P<n>[0-9]+)プロジェクトを対象とした。?$")
_PREFIX = re.compile(r"^\((?P<region>[^()]+)\)(?P<name>.+)$")
_SUB_CLUSTER = re.compile(r"^(?P<name>.+?)\((?P<sub>[^()]*クラスター)\)$")


def split_entries(body: str) -> list[str]:
    """Split a note's list on 、 outside brackets: '(関東)A、B(x、y)' → ['(関東)A', 'B(x、y)']."""
    entries, depth, cur = [], 0, ""
    for ch in body:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "、" and depth == 0:
            entries.append(cur.strip())
            cur = ""
        else:
            cur += ch
    entries.append(cur.strip())
    return [e for e in entries if e]


def parse_entry(entry: str) -> tuple[str, str | None]:
    """'(東北)未来型…' → ('未来型…', '東北'); '東海ものづくり…' → ('東海ものづくり…', '中部')."""
    m = _PREFIX.match(entry)
    if m and m.group("region") in BUREAUS:
        name, region = m.group("name"), m.group("region")
    else:
        name = entry
        region = next((r for word, r in NAME_REGIONS.items() if name.startswith(word)), None)
    sub = _SUB_CLUSTER.match(name)
    return (sub.group("name") if sub else name), region


def build_cluster_projects(raw: RawLayer) -> pd.DataFrame:
    """One row per project per field named in the 注 lines of the field_strategy tables."""
    rows: list[dict] = []
    for _, t in raw.tables_of(FAMILY.family).iterrows():
        document_id, table_id = str(t["document_id"]), str(t["table_id"])
        field = field_of(str(t["title"]))
        if field is None:
            raise CellValueError(document_id, int(t["page"]), table_id, "title", str(t["title"]), "no (…分野)")
        notes = raw.annotations(document_id, table_id, "note")
        for a in notes.itertuples():
            text, page, cell = str(a.text), int(a.page), f"note {int(a.seq)}"
            m = _NOTE.match(clean_text(text))
            if not m:
                raise CellValueError(
                    document_id, page, table_id, cell, text, "not a '注: …のNプロジェクトを対象とした' list"
                )
            entries = split_entries(m.group("body"))
            if len(entries) != int(m.group("n")):
                reason = f"{len(entries)} projects listed but the note says {m.group('n')}"
                raise CellValueError(document_id, page, table_id, cell, text, reason)
            for entry in entries:
                name, region = parse_entry(entry)
                rows.append(
                    {
                        "document_id": document_id,
                        "project_name": name,
                        "region": region,
                        "field": field,
                        "raw_text": entry,
                        "source_page": page,
                        "source_table_id": table_id,  # a 注 line printed with the table (raw.table_annotations)
                        "source_row": None,
                        "source_col": None,
                    }
                )
    df = typed_frame(rows, TABLE)
    dup = df.duplicated(list(TABLE.key))
    if dup.any():
        r = df[dup].iloc[0]
        raise CellValueError(
            r["document_id"],
            int(r["source_page"]),
            FAMILY.family,
            "note",
            r["raw_text"],
            "project listed twice for a field",
        )
    return df.sort_values(list(TABLE.key), ignore_index=True)
