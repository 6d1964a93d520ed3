-- Cluster projects of the plan by field and bureau region.
SELECT DISTINCT document_id, field, region, project_name
FROM staging.cluster_projects
