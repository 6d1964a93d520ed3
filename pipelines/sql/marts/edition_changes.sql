-- What changed between consecutive editions of the same deck, value by value, over every staging table.
--
-- Editions: documents whose document_id is the same once a trailing version or date suffix is removed
-- (_v2, -rev3, _ed2, _2006, _20060115, _2006-01-15, possibly several: meti_cluster_seminar_2005_v2 and
-- meti_cluster_seminar_2005 are one deck). Within a deck, editions are ordered by document_id and each
-- is compared with the one before it. Rows are matched on the table's registry key (without
-- document_id); source_page is provenance, not content, and is not compared. A row only in the newer
-- edition has null old_values, a row only in the older one null new_values.
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
    SELECT 'staging.overseas_clusters' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', cluster_id) AS row_key,
            COLUMNS(* EXCLUDE (document_id, cluster_id, source_page))::VARCHAR
        FROM staging.overseas_clusters
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.cluster_metrics' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', cluster_id, metric, raw_text) AS row_key,
            COLUMNS(* EXCLUDE (document_id, cluster_id, metric, raw_text, source_page))::VARCHAR
        FROM staging.cluster_metrics
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.cluster_history_events' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', cluster_id, event_idx) AS row_key,
            COLUMNS(* EXCLUDE (document_id, cluster_id, event_idx, source_page))::VARCHAR
        FROM staging.cluster_history_events
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.foreign_policies' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', policy_id) AS row_key,
            COLUMNS(* EXCLUDE (document_id, policy_id, source_page))::VARCHAR
        FROM staging.foreign_policies
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.budget_items' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', program, fiscal_year) AS row_key,
            COLUMNS(* EXCLUDE (document_id, program, fiscal_year, source_page))::VARCHAR
        FROM staging.budget_items
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.regional_policy_laws' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', law_name) AS row_key,
            COLUMNS(* EXCLUDE (document_id, law_name, source_page))::VARCHAR
        FROM staging.regional_policy_laws
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.cluster_examples' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', example, metric) AS row_key,
            COLUMNS(* EXCLUDE (document_id, example, metric, source_page))::VARCHAR
        FROM staging.cluster_examples
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.program_outcomes' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', metric) AS row_key,
            COLUMNS(* EXCLUDE (document_id, metric, source_page))::VARCHAR
        FROM staging.program_outcomes
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.plan_periods' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', period) AS row_key,
            COLUMNS(* EXCLUDE (document_id, period, source_page))::VARCHAR
        FROM staging.plan_periods
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.field_strategies' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', field, aspect, item_idx) AS row_key,
            COLUMNS(* EXCLUDE (document_id, field, aspect, item_idx, source_page))::VARCHAR
        FROM staging.field_strategies
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
    UNION ALL BY NAME
    SELECT 'staging.cluster_projects' AS tbl, *
    FROM (
        SELECT document_id, concat_ws(' | ', project_name, field) AS row_key,
            COLUMNS(* EXCLUDE (document_id, project_name, field, source_page))::VARCHAR
        FROM staging.cluster_projects
    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key))))
),
newer AS (
    SELECT p.document_id, p.prev_document_id, c.tbl, c.row_key, c.col, c.val
    FROM pairs AS p JOIN cells AS c ON c.document_id = p.document_id
),
older AS (
    SELECT p.document_id, p.prev_document_id, c.tbl, c.row_key, c.col, c.val
    FROM pairs AS p JOIN cells AS c ON c.document_id = p.prev_document_id
)
SELECT
    coalesce(n.document_id, o.document_id) AS document_id,
    coalesce(n.prev_document_id, o.prev_document_id) AS prev_document_id,
    coalesce(n.tbl, o.tbl) AS "table",
    coalesce(n.row_key, o.row_key) AS "key",
    coalesce(n.col, o.col) AS "column",
    o.val AS old_value,
    n.val AS new_value
FROM newer AS n
FULL OUTER JOIN older AS o
    ON n.document_id = o.document_id AND n.tbl = o.tbl AND n.row_key = o.row_key AND n.col = o.col
WHERE n.val IS DISTINCT FROM o.val
