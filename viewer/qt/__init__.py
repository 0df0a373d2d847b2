"""Thin PySide6 views: they subscribe to ``AppState`` and call the controller, nothing more."""
