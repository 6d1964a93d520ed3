"""The code location loads, with the names users and the UI rely on."""

import dagster as dg

from pipelines.definitions import defs


def test_definitions_load():
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw/documents", "raw/table_cells", "staging/budget_items", "marts/budget_yoy"} <= keys
    assert "published_warehouse" in keys
    assert defs.resolve_job_def("refresh_job").name == "refresh_job"
    assert defs.resolve_schedule_def("refresh_schedule").cron_schedule == "0 6 * * 1"


def test_every_asset_has_a_description_kinds_and_owner():
    for spec in defs.resolve_all_asset_specs():
        assert spec.description, spec.key
        assert spec.kinds, spec.key
        assert spec.owners, spec.key


def test_every_staging_asset_has_a_blocking_suite_check():
    graph = defs.resolve_asset_graph()
    staging = [k for k in graph.get_all_asset_keys() if k.path[0] == "staging"]
    checks = {ck.asset_key for ck in graph.asset_check_keys if ck.name == "matches_expectation_suite"}
    assert set(staging) == checks
    warn_only = {"has_no_unclassified_rows", "has_no_unrecognised_tables", "documents_are_known_decks"}
    warn_only |= {"has_no_untyped_quantities", "reads_every_number_with_a_unit"}
    warn_only |= {"has_no_unmapped_columns", "claimed_tables_have_their_required_columns", "printed_changes_agree"}
    warn_only |= {"editions_keep_the_same_rows", "edition_values_move_less_than_a_quarter"}
    warn_only |= {"pages_that_promise_a_table_have_one", "curated_tables_hold_as_much_as_the_previous_edition"}
    for checks_def in defs.asset_checks or []:
        for spec in checks_def.check_specs:
            # Rules block; reports of new content and of drift between editions never do.
            assert spec.blocking is (spec.name not in warn_only), spec.key


def test_covered_families_have_a_blocking_completeness_check():
    graph = defs.resolve_asset_graph()
    complete = {ck.asset_key.path[1] for ck in graph.asset_check_keys if ck.name == "accounts_for_every_raw_record"}
    assert complete == {
        "overseas_clusters",
        "foreign_policies",
        "policy_shifts",
        "budget_items",
        "program_outcomes",
        "field_strategies",
    }


def test_asset_key_prefixes_equal_schemas_and_groups_are_layers():
    for spec in defs.resolve_all_asset_specs():
        if spec.key.path[0] in ("raw", "staging", "marts"):
            assert spec.group_name in ("sources", "raw", "staging", "marts")
    assert isinstance(defs.resolve_job_def("refresh_job"), dg.JobDefinition)


def test_every_asset_has_a_code_version_and_the_weekly_freshness_policy():
    from pipelines.defs.automation import REFRESH_TIMEZONE, WEEKLY_FRESHNESS

    schedule = defs.resolve_schedule_def("refresh_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * 1", REFRESH_TIMEZONE)
    # due within the hour after the schedule fires, in the schedule's time zone
    assert (WEEKLY_FRESHNESS.deadline_cron, WEEKLY_FRESHNESS.timezone) == ("0 7 * * 1", REFRESH_TIMEZONE)
    assert WEEKLY_FRESHNESS.lower_bound_delta.total_seconds() == 3600
    for spec in defs.resolve_all_asset_specs():
        assert spec.code_version, spec.key
        assert spec.freshness_policy == WEEKLY_FRESHNESS, spec.key
