-- Laws, foreign policies, overseas cluster milestones and plan periods on one axis of years.
SELECT document_id, start_year, end_year, 'law' AS kind, '日本' AS country, law_name AS label
FROM staging.regional_policy_laws
UNION ALL
SELECT document_id, start_year, end_year, 'foreign_policy', country, policy_name
FROM staging.foreign_policies
UNION ALL
SELECT e.document_id, e.start_year, e.end_year, 'cluster_history', c.country, c.region || ': ' || e.text
FROM staging.cluster_history_events AS e
JOIN staging.overseas_clusters AS c USING (document_id, cluster_id)
UNION ALL
SELECT document_id, start_year, end_year, 'plan_period', '日本', label || ' ' || name
FROM staging.plan_periods
