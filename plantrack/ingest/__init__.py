"""Reading uploads: file safety, tables from .xlsx / .csv, normalisation, the problem report.

Nothing here imports great-expectations or Streamlit; :mod:`plantrack.upload` ties these
steps to the validation suite (``validation/``) and the store.
"""

from plantrack.ingest.files import FileRejected
from plantrack.ingest.report import Problem, Report

__all__ = ["FileRejected", "Problem", "Report"]
