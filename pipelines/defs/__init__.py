"""Dagster objects only: thin assets, checks, jobs, schedules and resources over pipelines.lib."""
