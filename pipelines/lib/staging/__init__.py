"""Staging builders: typed, normalized tables built from the raw layer (one module per staging table)."""
