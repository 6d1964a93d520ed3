"""The published exports: every registry mart as Parquet, CSV and a workbook sheet, with the same rows."""

import duckdb
import openpyxl
import pandas as pd
import pyarrow.parquet as pq

from pipelines.defs.publish import EXPORTED as EXPORTED_NAMES
from pipelines.lib.schema import MART_TABLES, table

EXPORTED = [table(name) for name in EXPORTED_NAMES]


def test_every_mart_is_exported_three_ways_with_equal_row_counts(published_site):
    exports = published_site.warehouse / "exports"
    con = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    wb = openpyxl.load_workbook(exports / "clusters.xlsx", read_only=True)
    assert wb.sheetnames == [t.name for t in EXPORTED] + ["columns"]
    assert [t.name for t in EXPORTED] == [t.name for t in MART_TABLES] + ["quantities"]  # every mart, then quantities
    for spec in EXPORTED:
        rows = con.execute(f"select count(*) from {spec.qualified}").fetchall()[0][0]
        parquet = pq.read_table(exports / f"{spec.name}.parquet")
        csv = pd.read_csv(exports / f"{spec.name}.csv", encoding="utf-8-sig")
        sheet = list(wb[spec.name].iter_rows(values_only=True))
        assert parquet.num_rows == rows, spec.name
        assert len(csv) == parquet.num_rows, spec.name
        assert len(sheet) - 1 == parquet.num_rows, spec.name
        assert list(csv.columns) == list(sheet[0]) == parquet.column_names == spec.column_names, spec.name
    assert (exports / "budget_yoy.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_exports_hold_the_figures_printed_in_the_deck(published_site):
    exports = published_site.warehouse / "exports"
    # p.10-12: 地域新生コンソーシアム研究開発事業 114.2 → 137.2 億円; the total 490 → 568 億円.
    csv = pd.read_csv(exports / "budget_yoy.csv", encoding="utf-8-sig").set_index("program")
    assert csv.loc["地域新生コンソーシアム研究開発事業", ["prev_oku_yen", "oku_yen"]].tolist() == [114.2, 137.2]
    assert csv.loc["産業クラスター計画関連施策", "oku_yen"] == 568.0
    wb = openpyxl.load_workbook(exports / "clusters.xlsx", read_only=True)
    rows = list(wb["overseas_cluster_profiles"].iter_rows(values_only=True))
    header = rows[0]
    zgc = next(
        dict(zip(header, r, strict=True)) for r in rows[1:] if str(r[header.index("region")]).startswith("中関村")
    )
    assert zgc["companies"] == 10000 and zgc["area_km2"] == 340  # その2: 1万社, 340平方キロメートル
    described = {(r[0], r[1]): r for r in wb["columns"].iter_rows(min_row=2, values_only=True)}
    assert len(described) == sum(len(t.columns) for t in EXPORTED)
    assert described[("quantities", "value")][2] == "DECIMAL(38,10)"
    assert described[("budget_yoy", "oku_yen")][3] == "億円"
    assert described[("overseas_cluster_profiles", "population")][3] == "人"
