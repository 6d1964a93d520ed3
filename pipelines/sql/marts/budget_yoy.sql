-- Budget change per program: current fiscal year against the previous one of the same document.
WITH years AS (
    SELECT document_id, max(fiscal_year) AS fiscal_year
    FROM staging.budget_items
    GROUP BY document_id
),
prev_years AS (
    SELECT b.document_id, max(b.fiscal_year) AS prev_fiscal_year
    FROM staging.budget_items AS b
    JOIN years AS y USING (document_id)
    WHERE b.fiscal_year < y.fiscal_year
    GROUP BY b.document_id
)
SELECT
    cur.document_id,
    cur.section,
    cur.program,
    py.prev_fiscal_year,
    cur.fiscal_year,
    prev.amount_oku_yen AS prev_oku_yen,
    cur.amount_oku_yen AS oku_yen,
    cur.amount_oku_yen - prev.amount_oku_yen AS change_oku_yen,
    CASE
        WHEN prev.amount_oku_yen > 0
            THEN (cur.amount_oku_yen - prev.amount_oku_yen)::DOUBLE / prev.amount_oku_yen::DOUBLE * 100
    END AS change_pct,
    cur.is_new,
    cur.is_total,
    -- Where the current-year amount was printed.
    cur.source_page,
    cur.source_table_id,
    cur.source_row,
    cur.source_col
FROM staging.budget_items AS cur
JOIN years AS y ON y.document_id = cur.document_id AND y.fiscal_year = cur.fiscal_year
LEFT JOIN prev_years AS py ON py.document_id = cur.document_id
LEFT JOIN staging.budget_items AS prev
    ON prev.document_id = cur.document_id
    AND prev.program = cur.program
    AND prev.fiscal_year = py.prev_fiscal_year
