"""One pyvista actor per mesh part (skin, muscles, bones), built from ``MeshData``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyvista as pv

from viewer.geometry.meshes import MeshData, MeshLibrary, PartInfo
from viewer.scene import theme


def to_polydata(mesh: MeshData) -> pv.PolyData:
    """Triangles plus the stored normals (no normal recomputation at load time)."""
    faces = np.empty((mesh.n_faces, 4), dtype=np.int64)
    faces[:, 0] = 3
    faces[:, 1:] = mesh.faces
    poly = pv.PolyData(np.asarray(mesh.points, dtype=np.float32), faces.ravel())
    poly.point_data.set_array(np.asarray(mesh.normals, dtype=np.float32), "Normals")
    poly.point_data.active_normals_name = "Normals"
    return poly


@dataclass
class PartActor:
    info: PartInfo
    poly: pv.PolyData
    actor: pv.Actor
    highlighted: bool = False  # drawn in the selected-muscle colour


def base_colour(info: PartInfo) -> str:
    return {"skin": theme.SKIN, "muscle": theme.MUSCLE, "bone": theme.BONE}.get(info.kind, theme.BONE)


def add_parts(plotter: pv.BasePlotter, library: MeshLibrary, options: theme.RenderOptions) -> dict[str, PartActor]:
    """Add every part of the library; the skin gets a per-vertex RGB array for the overlay."""
    out: dict[str, PartActor] = {}
    for info in library.parts:
        poly = to_polydata(library.load(info.id))
        common = dict(name=info.id, smooth_shading=False, render=False, reset_camera=False,
                      specular=0.15 if info.kind != "skin" else 0.05, diffuse=0.85, ambient=0.15)
        if info.kind == "skin":
            colours = np.tile((theme.rgb(theme.SKIN) * 255).astype(np.uint8), (poly.n_points, 1))
            poly.point_data.set_array(colours, "rgb")
            actor = plotter.add_mesh(poly, scalars="rgb", rgb=True, **common)
        else:
            actor = plotter.add_mesh(poly, color=base_colour(info), **common)
        # The stored normals are used as they are: Gouraud interpolation without recomputing.
        actor.prop.interpolation = "gouraud" if options.smooth_shading else "flat"
        out[info.id] = PartActor(info, poly, actor)
    return out
