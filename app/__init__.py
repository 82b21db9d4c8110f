"""Streamlit layer: bootstrap, caches, string catalogue and components. Pages stay thin."""
