-- Cluster projects of the plan by field and bureau region.
SELECT DISTINCT document_id, field, region, project_name, source_page, source_table_id, source_row, source_col
FROM staging.cluster_projects
