-- What changed between consecutive editions of the same deck, value by value, over every staging table and every
-- typed table of a table no family knows (tables.document_tables holds their values in long form).
--
-- Editions: documents whose document_id is the same once a trailing version or date suffix is removed
-- (_v2, -rev3, _ed2, _2006, _20060115, _2006-01-15, possibly several: meti_cluster_seminar_2005_v2 and
-- meti_cluster_seminar_2005 are one deck). Within a deck, editions are ordered by document_id and each
-- is compared with the one before it. Rows are matched on the table's registry key (without
-- document_id); source_page and the source_* provenance columns say where a value was printed, not what
-- it is, and are not compared. A row only in the newer edition is 'added' (null old_values), a row only
-- in the older one 'removed' (null new_values). The `cells` block below is generated from the registry
-- (each staging table's key and columns, pipelines/lib/marts.py): it is not written by hand.
WITH editions AS (
    SELECT
        document_id,
        lag(document_id) OVER (
            PARTITION BY regexp_replace(document_id, '([_\-. ]*(v|rev|ed)?[0-9]+)+$', '', 'i')
            ORDER BY document_id
        ) AS prev_document_id
    FROM raw.documents
),
pairs AS (
    SELECT document_id, prev_document_id FROM editions WHERE prev_document_id IS NOT NULL
),
cells AS (
    SELECT *, tbl AS match FROM (
    -- @generated: staging_cells
    )
    UNION ALL BY NAME
    -- A typed table of a table no family knows (tables.<document_id>_<table_id>) is one table per edition: its
    -- rows are matched between editions by the raw table id (the same for the same printed header) and the row's
    -- content key; "table" names the newer edition's table.
    SELECT
        'tables.' || table_name AS tbl, 'tables:' || table_id AS match, document_id, row_key,
        source_page AS src_page, source_table_id AS src_table_id, source_row AS src_row, source_col AS src_col,
        column_name AS col, value AS val
    FROM tables.document_tables
),
newer AS (
    SELECT p.document_id, p.prev_document_id, c.*  EXCLUDE (document_id)
    FROM pairs AS p JOIN cells AS c ON c.document_id = p.document_id
),
older AS (
    SELECT p.document_id, p.prev_document_id, c.* EXCLUDE (document_id)
    FROM pairs AS p JOIN cells AS c ON c.document_id = p.prev_document_id
)
SELECT
    CASE WHEN o.row_key IS NULL THEN 'added' WHEN n.row_key IS NULL THEN 'removed' ELSE 'changed' END AS change,
    coalesce(n.document_id, o.document_id) AS document_id,
    coalesce(n.prev_document_id, o.prev_document_id) AS prev_document_id,
    coalesce(n.tbl, o.tbl) AS "table",
    coalesce(n.row_key, o.row_key) AS "key",
    coalesce(n.col, o.col) AS "column",
    o.val AS old_value,
    n.val AS new_value,
    -- The address of the newer value in document_id; a removed row has none there.
    n.src_page AS source_page,
    n.src_table_id AS source_table_id,
    n.src_row AS source_row,
    n.src_col AS source_col
FROM newer AS n
FULL OUTER JOIN older AS o
    ON n.document_id = o.document_id AND n.match = o.match AND n.row_key = o.row_key AND n.col = o.col
-- A text that differs only in its line breaks and spaces (a re-typeset column wraps it elsewhere) is unchanged.
WHERE regexp_replace(n.val, '\s', '', 'g') IS DISTINCT FROM regexp_replace(o.val, '\s', '', 'g')
