-- Budget per section and fiscal year: the listed programs summed, with their share of the plan's total.
-- The slides list only part of the programs, so the shares do not add up to 100%. A row's address is that
-- of its one printed figure, the total (oku_yen is a sum of several cells).
WITH totals AS (
    SELECT document_id, fiscal_year, amount_oku_yen AS total_oku_yen, source_page, source_table_id, source_row, source_col
    FROM staging.budget_items
    WHERE is_total
)
SELECT
    b.document_id,
    b.fiscal_year,
    b.section,
    count(*) AS programs,
    sum(b.amount_oku_yen) AS oku_yen,
    t.total_oku_yen,
    sum(b.amount_oku_yen)::DOUBLE / t.total_oku_yen::DOUBLE * 100 AS share_of_total_pct,
    t.source_page,
    t.source_table_id,
    t.source_row,
    t.source_col
FROM staging.budget_items AS b
LEFT JOIN totals AS t USING (document_id, fiscal_year)
WHERE NOT b.is_total
GROUP BY b.document_id, b.fiscal_year, b.section, t.total_oku_yen, t.source_page, t.source_table_id, t.source_row, t.source_col
