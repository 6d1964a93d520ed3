"""OCR of scanned pages: image-only pages are rendered, deskewed, read by two engines and given back as words
with boxes in PDF coordinates and a confidence, plus the ruled lines found in their pixels.

Modules, one idea each: ``settings`` (DPI, engines, workers), ``normalize`` (the explicit OCR fix-ups),
``image`` (render and deskew), ``engines`` (RapidOCR and tesseract), ``raster_lines`` (rules from pixels),
``crosscheck`` (numbers read twice), ``read`` (one page), ``document`` (which pages, the process pool and the
entry into pdfplumber's page objects).
"""

from pipelines.lib.pdf.ocr.settings import OcrSettings

__all__ = ["OcrSettings"]
