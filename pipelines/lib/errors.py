"""The project's own error types: each names the file (and page, table, cell) a person must look at."""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose; anything else is a bug."""


class SourceDocumentError(PipelineError):
    """A file in the raw folder cannot be used as a source document."""

    def __init__(self, file_name: str, reason: str, page: int | None = None) -> None:
        self.file_name = file_name
        self.reason = reason
        self.page = page
        where = f"{file_name}, page {page}" if page is not None else file_name
        super().__init__(f"{where}: {reason}")


class UnreadableDocumentError(SourceDocumentError):
    """A document from which nothing could be read: no page has a text layer, and OCR read nothing either."""

    def __init__(self, file_name: str, reason: str) -> None:
        super().__init__(file_name, f"nothing could be read: {reason}")


class TableHeaderError(PipelineError):
    """A claimed table whose grid no edge source could draw without cutting its text, and whose header then
    names nothing its family knows in some cell: its cells cannot be trusted."""

    def __init__(self, file_name: str, page: int, table_id: str, reason: str, found: list[str]) -> None:
        self.file_name = file_name
        self.page = page
        self.table_id = table_id
        self.found = found
        super().__init__(f"{file_name}, page {page}, table {table_id}: {reason}; header found {found!r}")


class CellValueError(PipelineError):
    """A cell's text could not be turned into a typed value while staging."""

    def __init__(
        self,
        document_id: str,
        page: int,
        table_id: str,
        cell: str,
        text: str,
        reason: str,
    ) -> None:
        self.document_id = document_id
        self.page = page
        self.table_id = table_id
        self.cell = cell
        self.text = text
        super().__init__(
            f"{document_id}.pdf, page {page}, table {table_id}, cell {cell}: cannot read {text!r}: {reason}"
        )


class ValidationFailed(PipelineError):
    """A Great Expectations suite failed, or could not be run."""


class PublishError(PipelineError):
    """The working warehouse is not fit to be published."""
