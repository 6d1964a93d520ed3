"""Validation: GX suites from the registry and expectations/, running them, kept results, Data Docs, drift."""
