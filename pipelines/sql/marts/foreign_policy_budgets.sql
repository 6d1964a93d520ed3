-- Foreign cluster policy budgets; 億円 per year only where the budget states its number of years.
SELECT
    document_id,
    country,
    policy_name,
    budget_oku_yen,
    budget_qualifier,
    budget_years,
    CASE WHEN budget_years > 0 THEN budget_oku_yen / budget_years END AS oku_yen_per_year,
    start_year,
    end_year
FROM staging.foreign_policies
