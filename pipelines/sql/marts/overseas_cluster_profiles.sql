-- One row per overseas cluster, key metrics pivoted; where a cluster gives several figures for one
-- metric (e.g. a city and a wider area), the largest is kept with its own qualifier; any_approx flags a row
-- with any inexact value (kept for compatibility: a figure's own *_qualifier says whether it is exact).
SELECT
    c.document_id,
    c.cluster_id,
    c.country,
    c.region,
    c.fields,
    max(m.value) FILTER (WHERE m.metric = 'population') AS population,
    max(m.value) FILTER (WHERE m.metric = 'workforce') AS workforce,
    max(m.value) FILTER (WHERE m.metric = 'employees') AS employees,
    max(m.value) FILTER (WHERE m.metric = 'area_km2') AS area_km2,
    max(m.value) FILTER (WHERE m.metric = 'companies') AS companies,
    -- Each figure's own qualifier: that of the value kept (ties broken by the qualifier's name, so stable).
    arg_max(m.qualifier, (m.value, m.qualifier)) FILTER (WHERE m.metric = 'population') AS population_qualifier,
    arg_max(m.qualifier, (m.value, m.qualifier)) FILTER (WHERE m.metric = 'workforce') AS workforce_qualifier,
    arg_max(m.qualifier, (m.value, m.qualifier)) FILTER (WHERE m.metric = 'employees') AS employees_qualifier,
    arg_max(m.qualifier, (m.value, m.qualifier)) FILTER (WHERE m.metric = 'area_km2') AS area_km2_qualifier,
    arg_max(m.qualifier, (m.value, m.qualifier)) FILTER (WHERE m.metric = 'companies') AS companies_qualifier,
    coalesce(
        bool_or(m.qualifier <> 'exact')
            FILTER (WHERE m.metric IN ('population', 'workforce', 'employees', 'area_km2', 'companies')),
        false
    ) AS any_approx,
    coalesce(
        list(DISTINCT m.as_of_year ORDER BY m.as_of_year) FILTER (WHERE m.as_of_year IS NOT NULL),
        []::INTEGER[]
    ) AS as_of_years,
    -- Where the cluster's row was printed (its figures are cells of that row: staging.cluster_metrics).
    c.source_page,
    c.source_table_id,
    c.source_row,
    c.source_col
FROM staging.overseas_clusters AS c
LEFT JOIN staging.cluster_metrics AS m
    ON m.document_id = c.document_id AND m.cluster_id = c.cluster_id
GROUP BY ALL
