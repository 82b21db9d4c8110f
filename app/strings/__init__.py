"""UI string catalogue, one module per feature."""
