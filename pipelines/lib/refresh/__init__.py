"""What a refresh recomputes, and what it remembers so that it need not.

A refresh first asks whether anything changed (:mod:`.state`: the sha256 of every PDF, the code, the lock, the
suites and the settings against the last complete refresh; nothing changed means nothing done). If something
did, Dagster runs the layers' coarse steps, and each step redoes only the documents whose inputs changed: the
raw layer re-extracts a PDF whose sha256 or extractor changed (:mod:`.editions`), and every per-document step
(staging rows, check findings, suite parameters, charts, crops, Data Docs pages) keeps its output under the key
of its code version and the document's input rows (:mod:`.kept`, fingerprinted in DuckDB by :mod:`.fingerprint`;
code versions from :mod:`.code_versions`). What spans documents (marts, publish) is recomputed whole. Great
Expectations is imported, and the suites validated, in background workers forked from a server that loads GX
while the refresh starts (:mod:`.background`, :mod:`.worker_preload`); :mod:`.run_info` says which code and
packages made a run.
"""
