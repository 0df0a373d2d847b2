"""The domain layer: frozen dataclasses and pure functions, standard library only."""
