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
    end_year,
    -- Where the budget was printed (the 中央政府の所管・予算 cell of the policy's column).
    source_page,
    source_table_id,
    source_row,
    source_col
FROM staging.foreign_policies
