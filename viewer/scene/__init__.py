"""The 3D scene (pyvista/VTK, no Qt): actors, overlay, markers, picking, cameras, layers."""
