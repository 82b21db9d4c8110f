"""A static, accessible public progress site: ``python -m plantrack publish --out site/``."""

from plantrack.publish.site import publish, published_values

__all__ = ["publish", "published_values"]
