-- Network members of each 活動事例, pivoted to one row per example.
SELECT
    document_id,
    example,
    max(value) FILTER (WHERE metric = 'companies') AS companies,
    max(value) FILTER (WHERE metric = 'universities_research') AS universities_research,
    max(value) FILTER (WHERE metric = 'municipalities') AS municipalities,
    max(value) FILTER (WHERE metric = 'financial_institutions') AS financial_institutions
FROM staging.cluster_examples
GROUP BY document_id, example
