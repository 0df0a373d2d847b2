"""One VTK actor per mesh part (skin, muscles, bones), built from ``MeshData``.

The actors are made directly (a ``vtkPolyDataMapper`` and a ``pv.Actor``), not through
``plotter.add_mesh``: for ~190 parts add_mesh's argument handling alone took over half a second
of start-up on software GL, and the scene needs none of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyvista as pv
from vtkmodules.vtkRenderingCore import vtkPolyDataMapper

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


def _mapper(poly: pv.PolyData, rgb_array: str | None) -> vtkPolyDataMapper:
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(poly)
    if rgb_array is None:
        mapper.ScalarVisibilityOff()
    else:  # the uint8 colours are drawn as they are (no lookup table)
        mapper.SetScalarModeToUsePointFieldData()
        mapper.SelectColorArray(rgb_array)
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOn()
    return mapper


def part_actor(info: PartInfo, poly: pv.PolyData, options: theme.RenderOptions) -> pv.Actor:
    """The actor of one part; the skin's colours come from its point array ``rgb``."""
    skin = info.kind == "skin"
    # The stored normals are used as they are: Gouraud interpolation without recomputing.
    prop = pv.Property(color=theme.SKIN if skin else base_colour(info), specular=0.05 if skin else 0.15,
                       diffuse=0.85, ambient=0.15, interpolation="gouraud" if options.smooth_shading else "flat")
    # The skin is closed: its back faces are never seen, and see-through they would blend twice.
    prop.SetBackfaceCulling(skin)
    return pv.Actor(mapper=_mapper(poly, "rgb" if skin else None), prop=prop)


def add_parts(plotter: pv.BasePlotter, library: MeshLibrary, options: theme.RenderOptions) -> dict[str, PartActor]:
    """Add every part of the library; the skin gets a per-vertex RGB array for the overlay."""
    out: dict[str, PartActor] = {}
    for info in library.parts:
        poly = to_polydata(library.load(info.id))
        if info.kind == "skin":
            colours = np.tile((theme.rgb(theme.SKIN) * 255).astype(np.uint8), (poly.n_points, 1))
            poly.point_data.set_array(colours, "rgb")
        actor = part_actor(info, poly, options)
        plotter.renderer.AddActor(actor)
        out[info.id] = PartActor(info, poly, actor)
    return out
