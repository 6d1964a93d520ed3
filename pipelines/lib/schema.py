"""One registry of every warehouse table: names, DuckDB types, units and descriptions.

DDL, `COMMENT ON`, Dagster column schemas, suite column checks and the README's table reference
are all generated from here, so a column is described in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column: DuckDB type, a description that says unit and origin, and whether it may be null."""

    name: str
    type: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    """One warehouse table."""

    schema: str
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        """schema.name"""
        return f"{self.schema}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        """Column names in order."""
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        """Columns that are never null: the key and those marked required."""
        return [c.name for c in self.columns if c.required or c.name in self.key]

    def column(self, name: str) -> Column:
        """One column by name."""
        return next(c for c in self.columns if c.name == name)


def C(name: str, type_: str, description: str, *, required: bool = False) -> Column:
    """Shorthand for a Column."""
    return Column(name, type_, description, required)


def R(name: str, type_: str, description: str) -> Column:
    """Shorthand for a required (never null) Column."""
    return Column(name, type_, description, True)


DOC = R("document_id", "VARCHAR", "Source PDF file name without .pdf")
PAGE = R("source_page", "INTEGER", "1-based page of the source PDF the row was read from")
PROVENANCE = (
    R(
        "source_table_id",
        "VARCHAR",
        "Where the value was read: a raw.tables.table_id, or a raw.text_blocks.passage_id",
    ),
    C(
        "source_row",
        "INTEGER",
        "row_idx in raw.table_cells, or block_idx in raw.text_blocks (on source_page); null for a line printed "
        "with the table (raw.table_annotations)",
    ),
    C(
        "source_col",
        "INTEGER",
        "col_idx in raw.table_cells; null for a text block or a row read from a whole table row",
    ),
)
"""Provenance of every staging row: the raw cell or text block it was read from (joins to its page and bbox)."""
OPTIONAL = "; null where the table has no such column"
"""The end of the description of a field its table family can do without."""
QUAL = "exact, approx (約/程度/ほど), at_least (以上/強/超), at_most (以内/未満) or range"


def mart_provenance(of: str) -> tuple[Column, ...]:
    """The address of the staging row a mart row comes from (``of`` says which value it is the address of)."""
    return (
        C("source_page", "INTEGER", f"1-based page of the source PDF {of} was read from"),
        C("source_table_id", "VARCHAR", f"raw.tables.table_id or raw.text_blocks.passage_id {of} was read from"),
        C("source_row", "INTEGER", f"row_idx (raw.table_cells) or block_idx (raw.text_blocks) of {of}"),
        C("source_col", "INTEGER", f"col_idx (raw.table_cells) of {of}; null for a text block or a whole row"),
    )


TABLES: tuple[Table, ...] = (
    # ---- raw ----
    Table(
        "raw",
        "documents",
        "Source PDFs registered from the raw folder.",
        (
            DOC,
            C("file_name", "VARCHAR", "File name in the raw folder"),
            C("sha256", "VARCHAR", "Hex sha256 of the file: the document's data version"),
            C("page_count", "INTEGER", "Number of pages"),
        ),
        key=("document_id",),
    ),
    Table(
        "raw",
        "tables",
        "Every recognised table: family, page, title and bbox.",
        (
            DOC,
            C("table_id", "VARCHAR", "Stable id of the table, derived from its title (e.g. policy_tools_2)"),
            C(
                "family",
                "VARCHAR",
                "Table family from pipelines/lib/tables/registry.py; unrecognised for a table no family claims",
            ),
            C("page", "INTEGER", "1-based page"),
            C("title", "VARCHAR", "Slide title, spaces between Japanese characters removed"),
            C("n_rows", "INTEGER", "Grid rows, header included"),
            C("n_cols", "INTEGER", "Grid columns"),
            C("x0", "DOUBLE", "Table bbox left, PDF points from the page's left edge"),
            C("top", "DOUBLE", "Table bbox top, points from the page's top edge"),
            C("x1", "DOUBLE", "Table bbox right, points"),
            C("bottom", "DOUBLE", "Table bbox bottom, points"),
            C(
                "grid_origin",
                "VARCHAR",
                "Where the grid's edges come from: rules (every edge drawn), partial_rules (horizontal rules, "
                "columns from text alignment), text_alignment (no rules: columns and rows from the text) or "
                "raster_lines (a scan: the rules found in its pixels)",
            ),
        ),
        key=("document_id", "table_id"),
    ),
    Table(
        "raw",
        "table_cells",
        "Every cell of every recognised table; merged cells are filled with the spanning text and flagged.",
        (
            DOC,
            C("table_id", "VARCHAR", "Table id (raw.tables)"),
            C("page", "INTEGER", "1-based page"),
            C("row_idx", "INTEGER", "0-based row; the header is row 0"),
            C("col_idx", "INTEGER", "0-based column"),
            C("text", "VARCHAR", "Cell text: soft wraps joined, real line breaks as newlines, CJK spaces removed"),
            C("is_merged_fill", "BOOLEAN", "True where the text was filled from a merged (spanning) cell"),
            C("x0", "DOUBLE", "Cell bbox left, points"),
            C("top", "DOUBLE", "Cell bbox top, points"),
            C("x1", "DOUBLE", "Cell bbox right, points"),
            C("bottom", "DOUBLE", "Cell bbox bottom, points"),
            C("text_origin", "VARCHAR", "Where its text was read: text_layer (the PDF's own text) or ocr (a scan)"),
            C(
                "confidence",
                "DOUBLE",
                "The lowest OCR confidence of its words, 0 to 1 (at most 0.3 where two OCR engines read different "
                "numbers); null for a text layer",
            ),
        ),
        key=("document_id", "table_id", "row_idx", "col_idx"),
    ),
    Table(
        "raw",
        "table_annotations",
        "Lines printed with a table: footnotes (*1 2003年), notes (注/参考), sources (出典) and lead bullets.",
        (
            DOC,
            C("table_id", "VARCHAR", "Table id (raw.tables)"),
            C("page", "INTEGER", "1-based page"),
            C("seq", "INTEGER", "Order of the annotation within the table"),
            C("kind", "VARCHAR", "footnote, note, source or lead"),
            C("marker", "VARCHAR", "Footnote marker such as *1; null for other kinds"),
            C("text", "VARCHAR", "Annotation text"),
            C("text_origin", "VARCHAR", "Where its text was read: text_layer (the PDF's own text) or ocr (a scan)"),
            C(
                "confidence",
                "DOUBLE",
                "The lowest OCR confidence of its words, 0 to 1 (at most 0.3 where two OCR engines read different "
                "numbers); null for a text layer",
            ),
        ),
        key=("document_id", "table_id", "seq"),
    ),
    Table(
        "raw",
        "text_blocks",
        "Every paragraph of every page outside its tables: the numeric passages (地域開発手法の変遷, 活動事例 …), "
        "the text of every other page, slide titles and page numbers.",
        (
            DOC,
            C(
                "passage_id",
                "VARCHAR",
                "Passage family id from the registry where one claims the block; p<page>_text otherwise",
            ),
            C("page", "INTEGER", "1-based page"),
            C("block_idx", "INTEGER", "0-based paragraph order on the page"),
            C("box_idx", "INTEGER", "Index of the framed box holding the paragraph; null outside boxes"),
            C("box_col", "INTEGER", "Column inside the framed box (0 label, 1 body); null outside boxes"),
            C("text", "VARCHAR", "Paragraph text, soft wraps joined"),
            C("x0", "DOUBLE", "Bbox left, points"),
            C("top", "DOUBLE", "Bbox top, points"),
            C("x1", "DOUBLE", "Bbox right, points"),
            C("bottom", "DOUBLE", "Bbox bottom, points"),
            C("role", "VARCHAR", "body (a paragraph or a framed box), title (the slide title) or page_number"),
            C("text_origin", "VARCHAR", "Where its text was read: text_layer (the PDF's own text) or ocr (a scan)"),
            C(
                "confidence",
                "DOUBLE",
                "The lowest OCR confidence of its words, 0 to 1 (at most 0.3 where two OCR engines read different "
                "numbers); null for a text layer",
            ),
        ),
        key=("document_id", "passage_id", "page", "block_idx"),
    ),
    # ---- staging ----
    Table(
        "staging",
        "overseas_clusters",
        "One row per overseas high-tech cluster in 海外の代表的なクラスター その1, その2, … (any number of slides).",
        (
            DOC,
            R(
                "cluster_id",
                "VARCHAR",
                "Key: the cluster's region as printed (line breaks removed), e.g. シリコンバレー",
            ),
            C(
                "country",
                "VARCHAR",
                f"国, filled down through merged cells (Japanese, verbatim){OPTIONAL}",
            ),
            R("region", "VARCHAR", "地域 (verbatim)"),
            C("fields", "VARCHAR", f"主な分野 (verbatim){OPTIONAL}"),
            C(
                "universities_institutes",
                "VARCHAR",
                f"主要大学・研究機関 (verbatim){OPTIONAL}",
            ),
            C(
                "companies_ventures",
                "VARCHAR",
                f"主要企業・ベンチャー (verbatim){OPTIONAL}",
            ),
            C("history", "VARCHAR", f"発展の経緯 / 沿革 (verbatim){OPTIONAL}"),
            C(
                "economic_scale",
                "VARCHAR",
                f"経済規模(面積、人口等) (verbatim){OPTIONAL}",
            ),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "cluster_id"),
    ),
    Table(
        "staging",
        "cluster_metrics",
        "Every quantity in the 経済規模 and 主要企業 columns of the overseas cluster tables.",
        (
            DOC,
            R("cluster_id", "VARCHAR", "Cluster (staging.overseas_clusters)"),
            R("metric", "VARCHAR", "population, workforce, employees, students, area_km2, companies, …"),
            R(
                "metric_idx",
                "INTEGER",
                "0-based order of this figure among the cluster's figures of the same metric, as printed",
            ),
            R("value", "DOUBLE", "Value in units of `unit` (people, companies, km²)"),
            R("unit", "VARCHAR", "persons, companies, institutions, km2, …"),
            R("qualifier", "VARCHAR", QUAL),
            C("as_of_year", "INTEGER", "Reference year from the footnote marker (*1 → the year under the table)"),
            C("scope", "VARCHAR", "What the figure covers, e.g. サンタクララ郡"),
            R("raw_text", "VARCHAR", "Source text of the quantity"),
            R("source_column", "VARCHAR", "economic_scale or companies_ventures"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "cluster_id", "metric", "metric_idx"),
    ),
    Table(
        "staging",
        "cluster_history_events",
        "Dated milestones in the 発展の経緯 column of the overseas cluster tables, one per sentence with a year.",
        (
            DOC,
            R("cluster_id", "VARCHAR", "Cluster (staging.overseas_clusters)"),
            C("event_idx", "INTEGER", "0-based order of the milestone within the cluster's history"),
            R("start_year", "INTEGER", "First year (a decade starts at its first year: 1950年代 → 1950)"),
            C("end_year", "INTEGER", "Last year (1950年代 → 1959); equal to start_year for a single year"),
            C("modifier", "VARCHAR", "mid for 半ば, null otherwise"),
            R("text", "VARCHAR", "The sentence (verbatim)"),
            C("raw_text", "VARCHAR", "The year expression as printed"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "cluster_id", "event_idx"),
    ),
    Table(
        "staging",
        "foreign_policies",
        "One row per foreign cluster policy (a column of 中央政府による海外のクラスター関連政策の概要).",
        (
            DOC,
            R("policy_id", "VARCHAR", "Key: country and policy name as printed, e.g. ドイツ/ビオレギオ"),
            R("country", "VARCHAR", "Country (header line 1, Japanese)"),
            R("policy_name", "VARCHAR", "Policy name (header line 2, verbatim)"),
            C("start_year", "INTEGER", f"時期: first year{OPTIONAL}"),
            C("end_year", "INTEGER", "時期: last year, null when open-ended"),
            C("end_year_planned", "BOOLEAN", f"True when the end year is printed in parentheses (planned){OPTIONAL}"),
            C("ministry", "VARCHAR", f"Responsible ministry from 中央政府の所管・予算{OPTIONAL}"),
            C("budget_oku_yen", "DECIMAL(18,4)", f"Budget in 億円 (100 million yen){OPTIONAL}"),
            C("budget_qualifier", "VARCHAR", QUAL),
            C("budget_years", "INTEGER", "Number of years the budget covers (e.g. 6年間), null if not stated"),
            C("target_regions", "VARCHAR", f"対象地域 (verbatim){OPTIONAL}"),
            C("policy_content", "VARCHAR", f"中央政府の政策内容 (verbatim){OPTIONAL}"),
            C("regional_body", "VARCHAR", f"地域における推進主体 (verbatim){OPTIONAL}"),
            C("budget_raw_text", "VARCHAR", f"中央政府の所管・予算 cell text{OPTIONAL}"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "policy_id"),
    ),
    Table(
        "staging",
        "budget_items",
        "One row per program per fiscal year on the 政策ツール budget slides.",
        (
            DOC,
            R("fiscal_year", "INTEGER", "Fiscal year named by its starting year (平成17年度 = 2005)"),
            C("section", "VARCHAR", "Section heading, e.g. (1)産学官のネットワーク形成; null for the total row"),
            R("program", "VARCHAR", "施策名 (verbatim)"),
            R("amount_oku_yen", "DECIMAL(18,4)", "Budget in 億円"),
            R("amount_yen", "BIGINT", "Budget in yen"),
            R("is_new", "BOOLEAN", "True on the current-year row of a program marked (新規)"),
            R("is_total", "BOOLEAN", "True for the 産業クラスター計画関連施策 total row"),
            R("raw_text", "VARCHAR", "Source cell text, e.g. (6.8億円)"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "program", "fiscal_year"),
    ),
    Table(
        "staging",
        "regional_policy_laws",
        "Regional development laws of 地域開発手法の変遷, with their years and era.",
        (
            DOC,
            R("law_name", "VARCHAR", "Law name (verbatim)"),
            R("start_year", "INTEGER", "Year the law started"),
            C("end_year", "INTEGER", "Year it ended, null when still in force in 2005"),
            R("era", "VARCHAR", "The era box it is listed under, e.g. 産業の地方分散・拠点開発"),
            R(
                "era_start_year",
                "INTEGER",
                "First year of the era; a decade is its widest bound (1990年代半ば～ → 1990, 半ば kept in the label)",
            ),
            C(
                "era_end_year",
                "INTEGER",
                "Last year of the era, null when open; a decade is its widest bound (90年代半ば → 1999)",
            ),
            C("raw_text", "VARCHAR", "Source line"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "law_name"),
    ),
    Table(
        "staging",
        "cluster_examples",
        "Every count on the 活動事例 slides (TAMA, 近畿バイオ, 北海道).",
        (
            DOC,
            R("example", "VARCHAR", "Example name, e.g. 首都圏西部地域(TAMA)"),
            R("metric", "VARCHAR", "companies, universities_research, municipalities, financial_institutions, …"),
            R("value", "DOUBLE", "Count"),
            R("qualifier", "VARCHAR", QUAL),
            R("raw_text", "VARCHAR", "Source text of the quantity"),
            C("scope", "VARCHAR", "For an unclassified count: the words around it (before … after), null otherwise"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "example", "metric"),
    ),
    Table(
        "staging",
        "program_outcomes",
        "Figures of the 成果 and 19プロジェクト slides: participation and survey results.",
        (
            DOC,
            R("metric", "VARCHAR", "participating_companies, new_collaboration_pct, survey_response_rate_pct, …"),
            R("value", "DOUBLE", "Value in units of `unit`"),
            R("unit", "VARCHAR", "companies, universities, percent, cases"),
            R("qualifier", "VARCHAR", QUAL),
            C("as_of", "VARCHAR", "Reference date as printed, e.g. 2004年4月現在"),
            R("raw_text", "VARCHAR", "Source text"),
            C("scope", "VARCHAR", "For an unclassified figure: its label or the words around it; null otherwise"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "metric"),
    ),
    Table(
        "staging",
        "plan_periods",
        "Plan periods 第Ⅰ期 to 第Ⅲ期 of the 目標レンジ.",
        (
            DOC,
            R("period", "INTEGER", "1, 2 or 3"),
            C("label", "VARCHAR", "第Ⅰ期 …"),
            R("name", "VARCHAR", "Period name, e.g. 産業クラスターの立ち上げ期"),
            R("start_year", "INTEGER", "First year"),
            R("end_year", "INTEGER", "Last year"),
            C("raw_text", "VARCHAR", "Source heading"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "period"),
    ),
    Table(
        "staging",
        "field_strategies",
        "Strategy items of the 発展戦略と課題 slides, one row per item.",
        (
            DOC,
            R("field", "VARCHAR", "ものづくり, バイオ, IT or 環境"),
            R("aspect", "VARCHAR", "conditions (クラスターの条件), strategy (発展戦略), issues (具体的課題) or lead"),
            R("item_idx", "INTEGER", "0-based order of the item within field and aspect"),
            R("text", "VARCHAR", "The item (verbatim)"),
            C(
                "subgroup",
                "VARCHAR",
                "Sub-heading the item is listed under, e.g. ソフト系 from (ソフト系); null if none",
            ),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "field", "aspect", "item_idx"),
    ),
    Table(
        "staging",
        "policy_shifts",
        "社会と地域経済政策の変化: what each theme meant in each century, one row per cell of the comparison.",
        (
            DOC,
            R("theme", "VARCHAR", "時代 column: the theme compared, e.g. 地域経済政策 (verbatim)"),
            R("aspect", "VARCHAR", "区分 column: the aspect of the theme, e.g. 代表的な施策 (verbatim)"),
            R("period", "VARCHAR", "Column header of the period compared, e.g. 20世紀 (verbatim)"),
            R("text", "VARCHAR", "The cell text (verbatim; bullets kept, one per line)"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "theme", "aspect", "period"),
    ),
    Table(
        "staging",
        "cluster_projects",
        "Projects of the plan named in the 注 lines of the 発展戦略と課題 slides.",
        (
            DOC,
            R("project_name", "VARCHAR", "Project name without the region prefix (verbatim)"),
            C("region", "VARCHAR", "Bureau region (東北, 関東, …) where the text gives it"),
            R("field", "VARCHAR", "Field of the slide it is listed on"),
            R("raw_text", "VARCHAR", "The list entry as printed"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "project_name", "field"),
    ),
    Table(
        "staging",
        "quantities",
        "Every quantity printed anywhere in every document (any table cell or paragraph), typed, labelled and "
        "addressed; claimed_by names the curated table that holds the same number.",
        (
            DOC,
            PAGE,
            *PROVENANCE,
            R("quantity_idx", "INTEGER", "0-based order of the quantity within its cell or text block"),
            R(
                "quantity_id",
                "VARCHAR",
                "Id of the quantity within its document: p<page>:<source_table_id>:r<row>[c<col>]:q<quantity_idx>",
            ),
            C(
                "row_label",
                "VARCHAR",
                "The row's label cells (filled down through merges), joined with ' / '; null for text",
            ),
            C("column_label", "VARCHAR", "The header cells above the column, joined with ' / '; null for text"),
            C("context", "VARCHAR", "The words around the quantity in its cell or block (応募, 1地域あたり … /年)"),
            R(
                "value",
                "DECIMAL(38,10)",
                "Value in `unit`; the high bound of a range; negative for a decrease printed with ▲ or △",
            ),
            C("low_value", "DECIMAL(38,10)", "Low bound of a range, in `unit`; null otherwise"),
            C("high_value", "DECIMAL(38,10)", "High bound of a range, in `unit`; null otherwise"),
            R(
                "unit",
                "VARCHAR",
                "yen, persons, companies, institutions, universities, organizations, cases, schools, percent, km2, km, "
                "times (倍), year (Western; a 年度 is its fiscal year), duration_years, the counter word itself "
                "(プロジェクト, 地域), or number for a number nothing types",
            ),
            R("qualifier", "VARCHAR", QUAL),
            R("raw_text", "VARCHAR", "The quantity as printed (cleaned: full-width digits and spaces normalised)"),
            C("claimed_by", "VARCHAR", "The curated staging table holding the same number from the same cell or block"),
            C(
                "confidence",
                "DOUBLE",
                "The lowest OCR confidence of the words of its cell or block, 0 to 1 (at most 0.3 where two OCR "
                "engines read different numbers); null for a text layer",
            ),
        ),
        key=("document_id", "quantity_id"),
    ),
    # ---- tables: every table no family knows, typed (pipelines/lib/typed_tables/); one table each, plus ----
    Table(
        "tables",
        "document_tables",
        "Every value of every typed table of a table no family knows (tables.<document_id>_<table_id>), one row "
        "per cell and column: what marts.edition_changes compares between editions.",
        (
            DOC,
            R("table_name", "VARCHAR", "The typed table, tables.<table_name> (meta.typed_tables)"),
            R("table_id", "VARCHAR", "raw.tables.table_id of the table (the same across editions of it)"),
            R(
                "row_key",
                "VARCHAR",
                "The row's content key: its label columns' values (then a year column's, then #n), joined with ' | '",
            ),
            R("column_name", "VARCHAR", "Column of the typed table"),
            C("value", "VARCHAR", "The typed value as text (a number in its base unit); null where the cell is empty"),
            PAGE,
            *PROVENANCE,
        ),
        key=("document_id", "table_name", "row_key", "column_name"),
    ),
    # ---- meta: the validation ledgers (pipelines/lib/warehouse/ledger.py) and per-document state ----
    Table(
        "meta",
        "typed_tables",
        "The typed tables of the tables no family knows: one row per tables.<document_id>_<table_id>.",
        (
            R("table_name", "VARCHAR", "Table name in schema tables"),
            DOC,
            R("table_id", "VARCHAR", "raw.tables.table_id it was built from"),
            R("source_page", "INTEGER", "1-based page of the table"),
            C("title", "VARCHAR", "Slide title printed above the table"),
            C("header", "VARCHAR", "The printed header cells, joined with ' | '"),
            R("header_rows", "INTEGER", "Rows of the raw grid that are its header"),
            R("n_rows", "INTEGER", "Printed data rows: the raw grid's rows below its header (one typed row each)"),
            C("row_key_columns", "VARCHAR", "Columns whose values key a row between editions, joined with ', '"),
        ),
        key=("table_name",),
    ),
    Table(
        "meta",
        "typed_columns",
        "The columns of every typed table: name, DuckDB type, role, unit and the printed header.",
        (
            R("table_name", "VARCHAR", "Table name in schema tables (meta.typed_tables)"),
            R("column_idx", "INTEGER", "0-based position of the column in the table"),
            R("column_name", "VARCHAR", "Column name: the printed header as a snake name, unique"),
            R(
                "type",
                "VARCHAR",
                "DuckDB type: DECIMAL yen, BIGINT counts, INTEGER years, DOUBLE percent, else VARCHAR",
            ),
            R(
                "role",
                "VARCHAR",
                "key (document_id), text, value, qualifier, low, high, secondary (a second quantity of a cell), note "
                "(a cell's text where it holds no quantity) or provenance",
            ),
            C("unit", "VARCHAR", "staging.quantities unit of a typed column; null for text"),
            C("source_col", "INTEGER", "col_idx in raw.table_cells of the printed column it comes from"),
            C("header", "VARCHAR", "The printed header of that column (line breaks as spaces)"),
            R("description", "VARCHAR", "The column's COMMENT"),
        ),
        key=("table_name", "column_idx"),
    ),
    Table(
        "meta",
        "validations",
        "Latest Great Expectations result per staging table; publishing requires passed and a matching fingerprint.",
        (
            C("table_name", "VARCHAR", "schema.table validated"),
            C("suite", "VARCHAR", "Suite file name in expectations/ (without .json)"),
            C("passed", "BOOLEAN", "True when every expectation passed"),
            C("fingerprint", "VARCHAR", "sha256 of the table contents that were validated"),
            C("evaluated", "INTEGER", "Number of expectations evaluated"),
            C("failures", "VARCHAR", "JSON list of failed expectations with unexpected counts and samples"),
        ),
        key=("table_name",),
    ),
    Table(
        "meta",
        "extractions",
        "Per document: the file (sha256) and extractor version its raw rows were extracted from.",
        (
            DOC,
            C("sha256", "VARCHAR", "Hex sha256 of the PDF the stored raw rows came from"),
            C("extractor_version", "VARCHAR", "Hash of the extraction code (pipelines/lib/pdf, pipelines/lib/tables)"),
        ),
        key=("document_id",),
    ),
    Table(
        "meta",
        "document_validations",
        "Per staging table and document: the latest suite verdict and the fingerprint of the rows it judged.",
        (
            C("table_name", "VARCHAR", "schema.table validated"),
            DOC,
            C("fingerprint", "VARCHAR", "sha256 of the document's rows and of the suite"),
            C("passed", "BOOLEAN", "True when every expectation passed on this document's rows"),
            C("evaluated", "INTEGER", "Number of expectations evaluated"),
            C("run_id", "VARCHAR", "Dagster run that evaluated them (its time is in meta.runs)"),
        ),
        key=("table_name", "document_id"),
    ),
    Table(
        "meta",
        "document_builds",
        "Per staging table and document: what its rows were built from, so an unchanged document is not rebuilt.",
        (
            C("table_name", "VARCHAR", "schema.table built"),
            DOC,
            C(
                "input_key",
                "VARCHAR",
                "Hash of the builder's code version and of the document's rows in the tables the builder reads",
            ),
            C("rows_fingerprint", "VARCHAR", "md5 of the document's rows the build wrote (a hand edit is rebuilt)"),
        ),
        key=("table_name", "document_id"),
    ),
)

MART_TABLES: tuple[Table, ...] = (
    Table(
        "marts",
        "budget_yoy",
        "Budget change per program between the two fiscal years of the 政策ツール slides.",
        (
            DOC,
            C("section", "VARCHAR", "Section heading; null for the total"),
            C("program", "VARCHAR", "施策名"),
            C("prev_fiscal_year", "INTEGER", "Previous fiscal year (e.g. 2004 for 平成16年度)"),
            C("fiscal_year", "INTEGER", "Current fiscal year (e.g. 2005 for 平成17年度)"),
            C("prev_oku_yen", "DECIMAL(18,4)", "Previous-year budget in 億円; null for a new (新規) program"),
            C("oku_yen", "DECIMAL(18,4)", "Current-year budget in 億円"),
            C("change_oku_yen", "DECIMAL(18,4)", "oku_yen - prev_oku_yen, in 億円"),
            C("change_pct", "DOUBLE", "Change in percent of the previous year (20.1 means +20.1%); null if new"),
            C("is_new", "BOOLEAN", "Program marked (新規)"),
            C("is_total", "BOOLEAN", "The 産業クラスター計画関連施策 total"),
            *mart_provenance("the current-year amount (oku_yen)"),
        ),
        key=("document_id", "program"),
    ),
    Table(
        "marts",
        "budget_by_section",
        "Listed programs' budget per section and fiscal year, and their share of the 産業クラスター計画関連施策 total.",
        (
            DOC,
            C("fiscal_year", "INTEGER", "Fiscal year (平成17年度 = 2005)"),
            C("section", "VARCHAR", "Section heading, e.g. (2)地域の特性を活かした技術開発の推進"),
            C("programs", "BIGINT", "Programs listed in the section with a budget that year"),
            C("oku_yen", "DECIMAL(18,4)", "Sum of the listed programs, in 億円"),
            C("total_oku_yen", "DECIMAL(18,4)", "The plan's total for the year (産業クラスター計画関連施策), in 億円"),
            C(
                "share_of_total_pct",
                "DOUBLE",
                "oku_yen as a percent of total_oku_yen (the slides list only some programs)",
            ),
            *mart_provenance("the plan's total (total_oku_yen)"),
        ),
        key=("document_id", "fiscal_year", "section"),
    ),
    Table(
        "marts",
        "overseas_cluster_profiles",
        "One row per overseas cluster with its key metrics pivoted (largest value where several are given).",
        (
            DOC,
            C("cluster_id", "VARCHAR", "Cluster id"),
            C("country", "VARCHAR", "国"),
            C("region", "VARCHAR", "地域"),
            C("fields", "VARCHAR", "主な分野"),
            C("population", "DOUBLE", "人口, persons"),
            C("workforce", "DOUBLE", "就業人口, persons"),
            C("employees", "DOUBLE", "従業員 / employed, persons"),
            C("area_km2", "DOUBLE", "Area in km²"),
            C("companies", "DOUBLE", "Companies (社)"),
            C("population_qualifier", "VARCHAR", f"Qualifier of population: {QUAL}"),
            C("workforce_qualifier", "VARCHAR", f"Qualifier of workforce: {QUAL}"),
            C("employees_qualifier", "VARCHAR", f"Qualifier of employees: {QUAL}"),
            C("area_km2_qualifier", "VARCHAR", f"Qualifier of area_km2: {QUAL}"),
            C("companies_qualifier", "VARCHAR", f"Qualifier of companies: {QUAL}"),
            C(
                "any_approx",
                "BOOLEAN",
                "True if any of the five figures is approximate or a bound (each figure's own: *_qualifier)",
            ),
            C("as_of_years", "INTEGER[]", "Reference years of the figures (from the footnotes), ascending"),
            *mart_provenance("the cluster's table row"),
        ),
        key=("document_id", "cluster_id"),
    ),
    Table(
        "marts",
        "foreign_policy_budgets",
        "Foreign cluster policy budgets, with 億円 per year where the period is given.",
        (
            DOC,
            C("country", "VARCHAR", "Country"),
            C("policy_name", "VARCHAR", "Policy"),
            C("budget_oku_yen", "DECIMAL(18,4)", "Budget in 億円"),
            C("budget_qualifier", "VARCHAR", QUAL),
            C("budget_years", "INTEGER", "Years the budget covers"),
            C("oku_yen_per_year", "DECIMAL(18,4)", "budget_oku_yen / budget_years, in 億円 per year"),
            C("start_year", "INTEGER", "Policy start"),
            C("end_year", "INTEGER", "Policy end (planned where end_year_planned)"),
            *mart_provenance("the budget (中央政府の所管・予算 cell)"),
        ),
        key=("document_id", "policy_name"),
    ),
    Table(
        "marts",
        "policy_timeline",
        "Japanese laws, foreign policies, overseas cluster milestones and plan periods on one axis of years.",
        (
            DOC,
            C("start_year", "INTEGER", "First year"),
            C("end_year", "INTEGER", "Last year; null when open-ended"),
            C("kind", "VARCHAR", "law, foreign_policy, cluster_history or plan_period"),
            C("country", "VARCHAR", "Country (日本 for laws and plan periods)"),
            C("label", "VARCHAR", "What happened (verbatim label)"),
            *mart_provenance("the years (null for a foreign policy: its 時期 cell has no staging address)"),
        ),
        key=("document_id", "kind", "label", "start_year"),
    ),
    Table(
        "marts",
        "cluster_networks",
        "Network members of the three 活動事例, one row per example.",
        (
            DOC,
            C("example", "VARCHAR", "Example"),
            C("companies", "DOUBLE", "Companies (企業)"),
            C("universities_research", "DOUBLE", "Universities and research institutions"),
            C("municipalities", "DOUBLE", "Municipalities and other public bodies (団体)"),
            C("financial_institutions", "DOUBLE", "Financial institutions (金融機関)"),
            *mart_provenance("the four member counts (null where they come from different places)"),
        ),
        key=("document_id", "example"),
    ),
    Table(
        "marts",
        "projects_by_field",
        "Cluster projects of the plan by field and bureau region.",
        (
            DOC,
            C("field", "VARCHAR", "Field"),
            C("region", "VARCHAR", "Bureau region"),
            C("project_name", "VARCHAR", "Project"),
            *mart_provenance("the 注 line listing the project"),
        ),
        key=("document_id", "field", "project_name"),
    ),
    Table(
        "marts",
        "edition_changes",
        "What changed between consecutive editions of the same deck: one row per changed staging value.",
        (
            C("change", "VARCHAR", "added (row only in the newer edition), removed (only in the older) or changed"),
            C("document_id", "VARCHAR", "The newer edition (source PDF file name without .pdf)"),
            C("prev_document_id", "VARCHAR", "The edition before it (same file stem before a version or date suffix)"),
            C("table", "VARCHAR", "Staging table, e.g. staging.budget_items, or a typed table (tables.<name>)"),
            C("key", "VARCHAR", "The row's key columns (registry key without document_id), joined with ' | '"),
            C("column", "VARCHAR", "Column whose value changed"),
            C("old_value", "VARCHAR", "Value in prev_document_id, as text; null if the row is new"),
            C("new_value", "VARCHAR", "Value in document_id, as text; null if the row was removed"),
            *mart_provenance("the newer value (null for a removed row)"),
        ),
        key=("document_id", "table", "key", "column"),
    ),
)

BY_NAME: dict[str, Table] = {t.qualified: t for t in (*TABLES, *MART_TABLES)}


def table(qualified: str) -> Table:
    """Look up a table by schema.name."""
    return BY_NAME[qualified]
