"""Validation of uploads (great-expectations suite built from indicators.yaml)."""
