"""Edited editions of the bundled METI deck, written into a test's tmp_path, and the tool that makes them."""
