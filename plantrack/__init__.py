"""PlanTrack core: plan registry, store, assessment, reports. Never imports Streamlit."""

__version__ = "0.1.0"
