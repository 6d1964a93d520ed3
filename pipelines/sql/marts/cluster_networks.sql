-- Network members of each 活動事例, pivoted to one row per example.
WITH places AS (
    -- Where the member counts were read from, when all of them share one place (the slide's network line).
    SELECT
        document_id,
        example,
        any_value(source_page) AS source_page,
        any_value(source_table_id) AS source_table_id,
        any_value(source_row) AS source_row,
        any_value(source_col) AS source_col
    FROM staging.cluster_examples
    WHERE metric IN ('companies', 'universities_research', 'municipalities', 'financial_institutions')
    GROUP BY document_id, example
    HAVING count(DISTINCT (source_page, source_table_id, source_row, source_col)) = 1
)
SELECT
    e.document_id,
    e.example,
    max(e.value) FILTER (WHERE e.metric = 'companies') AS companies,
    max(e.value) FILTER (WHERE e.metric = 'universities_research') AS universities_research,
    max(e.value) FILTER (WHERE e.metric = 'municipalities') AS municipalities,
    max(e.value) FILTER (WHERE e.metric = 'financial_institutions') AS financial_institutions,
    p.source_page,
    p.source_table_id,
    p.source_row,
    p.source_col
FROM staging.cluster_examples AS e
LEFT JOIN places AS p ON p.document_id = e.document_id AND p.example = e.example
GROUP BY e.document_id, e.example, p.source_page, p.source_table_id, p.source_row, p.source_col
