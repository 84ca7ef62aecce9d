"""The REST API (`/api/v1/`): thin viewsets over the apps' services and selectors."""
