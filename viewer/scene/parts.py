"""One VTK actor per mesh part (skin, muscles, bones), built from ``MeshData``.

The actors are made directly (a ``vtkPolyDataMapper`` and a ``pv.Actor``), not through
``plotter.add_mesh``: for ~190 parts add_mesh's argument handling alone took over half a second
of start-up on software GL, and the scene needs none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import vtkLookupTable
from vtkmodules.vtkRenderingCore import vtkPolyDataMapper

from viewer.geometry.meshes import (TONE, TONE_LEVELS, MeshData, MeshLibrary, PartInfo, fibre_uv, groove_image,
                                    tone_palette)
from viewer.scene import theme


def to_polydata(mesh: MeshData) -> pv.PolyData:
    """Triangles plus the stored normals (no normal recomputation at load time) and, for a
    muscle built with one, its uint8 ``tone`` array (coloured through a lookup table)."""
    faces = np.empty((mesh.n_faces, 4), dtype=np.int64)
    faces[:, 0] = 3
    faces[:, 1:] = mesh.faces
    poly = pv.PolyData(np.asarray(mesh.points, dtype=np.float32), faces.ravel())
    poly.point_data.set_array(np.asarray(mesh.normals, dtype=np.float32), "Normals")
    poly.point_data.active_normals_name = "Normals"
    if TONE in mesh.arrays:  # through VTK directly: pyvista's setters cost ~0.5 ms per part
        data = poly.GetPointData()
        tone = numpy_to_vtk(np.ascontiguousarray(mesh.arrays[TONE], dtype=np.uint8), deep=True)
        tone.SetName(TONE)
        data.AddArray(tone)
        if "t" in mesh.arrays and "frame_mid" in mesh.arrays:
            coords = numpy_to_vtk(fibre_coordinates(mesh), deep=True)
            coords.SetName("fibre_uv")
            data.SetTCoords(coords)
    return poly


def fibre_coordinates(mesh: MeshData) -> np.ndarray:
    """Texture coordinates of the fibre grooves (see ``viewer.geometry.meshes.fibre_uv``)."""
    t = mesh.arrays["t"]
    return fibre_uv(t, mesh.arrays.get("s", t), mesh.arrays["frame_mid"], theme.FIBRE_PERIOD_M)


@lru_cache(maxsize=1)
def fibre_texture() -> pv.Texture:
    """One shared, repeating texture across the fibres (``groove_image``, linearly
    interpolated). Not mipmapped: on software GL mipmapping doubled the frame time of the
    muscle view [measured]; the smooth groove and its period keep the whole body free of moire."""
    texture = pv.Texture(groove_image(theme.FIBRE_GROOVE))
    texture.repeat = True
    texture.interpolate = True
    texture.mipmap = False
    return texture


def _table(belly: str, tendon: str, striation: float) -> vtkLookupTable:
    """A 256-entry table from ``tone`` to colour; tone k maps to entry k (range -0.5..255.5)."""
    colours = tone_palette(theme.rgb(belly), theme.rgb(tendon), striation, theme.TENDON_STRIATION)
    table = vtkLookupTable()
    n = TONE_LEVELS * TONE_LEVELS
    table.SetNumberOfTableValues(n)
    table.SetTableRange(-0.5, n - 0.5)
    for k, (r, g, b) in enumerate(colours):
        table.SetTableValue(k, float(r), float(g), float(b), 1.0)
    return table


@lru_cache(maxsize=1)
def muscle_tables() -> tuple[vtkLookupTable, vtkLookupTable]:
    """The two lookup tables every toned muscle shares: as usual, and selected (lighter)."""
    return (_table(theme.MUSCLE, theme.MUSCLE_TENDON, theme.MUSCLE_STRIATION),
            _table(theme.MUSCLE_SELECTED_BELLY, theme.MUSCLE_SELECTED_TENDON, theme.SELECTED_STRIATION))


@dataclass
class PartActor:
    info: PartInfo
    poly: pv.PolyData
    actor: pv.Actor
    highlighted: bool = False  # drawn in the selected-muscle colour


def base_colour(info: PartInfo) -> str:
    return {"skin": theme.SKIN, "muscle": theme.MUSCLE, "bone": theme.BONE}.get(info.kind, theme.BONE)


def _mapper(poly: pv.PolyData, rgb_array: str | None, table: vtkLookupTable | None = None) -> vtkPolyDataMapper:
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(poly)
    if rgb_array is None:
        mapper.ScalarVisibilityOff()
    elif table is None:  # the uint8 colours are drawn as they are (no lookup table)
        mapper.SetScalarModeToUsePointFieldData()
        mapper.SelectColorArray(rgb_array)
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOn()
    else:  # one uint8 per vertex through a shared table (VTK maps it; nothing per vertex in Python)
        mapper.SetScalarModeToUsePointFieldData()
        mapper.SelectColorArray(rgb_array)
        mapper.SetColorModeToMapScalars()  # uint8 would otherwise be taken for grey levels
        mapper.SetLookupTable(table)
        mapper.UseLookupTableScalarRangeOn()
        mapper.ScalarVisibilityOn()
    return mapper


def toned(poly: pv.PolyData) -> bool:
    """Whether a muscle carries the per-vertex ``tone`` (assets of older builds do not)."""
    return bool(poly.GetPointData().HasArray(TONE))


def part_actor(info: PartInfo, poly: pv.PolyData, options: theme.RenderOptions) -> pv.Actor:
    """The actor of one part; the skin's colours come from its point array ``rgb``, a toned
    muscle's from its ``tone`` through the shared table, anything else is one flat colour."""
    skin = info.kind == "skin"
    # The stored normals are used as they are: Gouraud interpolation without recomputing.
    prop = pv.Property(color=theme.SKIN if skin else base_colour(info), specular=0.05 if skin else 0.15,
                       diffuse=0.85, ambient=0.15, interpolation="gouraud" if options.smooth_shading else "flat")
    # The skin is closed: its back faces are never seen, and see-through they would blend twice.
    prop.SetBackfaceCulling(skin)
    if skin:
        mapper = _mapper(poly, "rgb")
    elif info.kind == "muscle" and toned(poly):
        mapper = _mapper(poly, TONE, muscle_tables()[0])
    else:
        mapper = _mapper(poly, None)
    actor = pv.Actor(mapper=mapper, prop=prop)
    if info.kind == "muscle" and toned(poly) and poly.GetPointData().GetTCoords() is not None:
        actor.SetTexture(fibre_texture())  # modulates the table colours: grooves along the fibres
    return actor


def set_highlight(part: PartActor, selected: bool) -> None:
    """Draw a muscle part as selected or as usual, in place: the flat colour for an untoned
    part, and the lighter table for a toned one (same striation and tendon pattern)."""
    part.highlighted = selected
    colour = theme.MUSCLE_SELECTED if selected else base_colour(part.info)
    part.actor.GetProperty().SetColor(*(float(c) for c in theme.rgb(colour)))
    mapper = part.actor.GetMapper()
    tables = muscle_tables()
    # GetLookupTable() would create a default table on a mapper without one: ask toned() first.
    if part.info.kind == "muscle" and toned(part.poly) and any(mapper.GetLookupTable() is t for t in tables):
        mapper.SetLookupTable(tables[1 if selected else 0])


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
