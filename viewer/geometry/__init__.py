"""Mesh data as numpy arrays and the fields computed on them (no VTK, no Qt)."""
