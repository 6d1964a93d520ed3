-- Laws, foreign policies, overseas cluster milestones and plan periods on one axis of years.
-- Each row keeps the address of the text its years were read from (a foreign policy's years are in its
-- 時期 cell, which staging does not address: those rows have none).
SELECT
    document_id, start_year, end_year, 'law' AS kind, '日本' AS country, law_name AS label,
    source_page, source_table_id, source_row, source_col
FROM staging.regional_policy_laws
UNION ALL
SELECT
    document_id, start_year, end_year, 'foreign_policy', country, policy_name,
    source_page, NULL, NULL, NULL
FROM staging.foreign_policies
UNION ALL
SELECT
    e.document_id, e.start_year, e.end_year, 'cluster_history', c.country, c.region || ': ' || e.text,
    e.source_page, e.source_table_id, e.source_row, e.source_col
FROM staging.cluster_history_events AS e
JOIN staging.overseas_clusters AS c USING (document_id, cluster_id)
UNION ALL
SELECT
    document_id, start_year, end_year, 'plan_period', '日本', label || ' ' || name,
    source_page, source_table_id, source_row, source_col
FROM staging.plan_periods
