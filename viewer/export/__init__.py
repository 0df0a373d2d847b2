"""Image and report writers (numpy and zlib only; no Qt, no VTK)."""
