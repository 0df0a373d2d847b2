"""``python -m viewer check``: the data, the meshes, and how the two fit together."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from viewer.datafiles import DataError, load_catalog
from viewer.geometry.meshes import AssetError, MeshLibrary


def _fit(catalog, library: MeshLibrary) -> list[str]:  # noqa: ANN001
    """Data ids that the meshes must carry: regions on the skin, trigger point parts."""
    problems = []
    where = f"{library.assets_dir / 'manifest.json'} (lod {library.lod})"
    data_regions = tuple(r.id for r in catalog.regions)
    if library.regions != data_regions:
        problems.append(f"{where}: field 'regions' differs from data/regions.yaml (rebuild the assets)")
        return problems
    skin = library.load(library.skin_part().id)
    region, side = skin.arrays.get("region"), skin.arrays.get("side")
    if region is None or side is None:
        return problems + [f"{where}: skin has no 'region'/'side' arrays"]
    for index, rid in enumerate(data_regions):
        for sign, name in ((1, "right"), (-1, "left")):
            if not np.any((region == index) & (side == sign)):
                problems.append(f"{where}: region '{rid}' has no skin on the {name} side")
    for tp in catalog.trigger_points:
        for suffix in ("_r", "_l"):
            part = tp.location.part + suffix
            if not library.has_part(part):
                problems.append(f"{where}: trigger point '{tp.id}': field 'location.part': "
                                f"no mesh '{part}' for muscle '{tp.muscle}'")
    return problems


def check_all(data_dir: Path, assets_dir: Path) -> tuple[list[str], str]:
    """Return (problems, summary); no exception escapes for bad input."""
    try:
        catalog = load_catalog(data_dir)
    except DataError as exc:
        return [str(p) for p in exc.problems], ""
    problems: list[str] = []
    counts = []
    try:
        first = MeshLibrary(assets_dir)
    except AssetError as exc:
        return [str(exc)], ""
    for lod in first.available_lods:
        library = MeshLibrary(assets_dir, lod)
        problems += library.verify()
        if not problems:
            problems += _fit(catalog, library)
        counts.append(f"lod{lod} {len(library.parts)} parts")
    summary = (f"{len(catalog.muscles)} muscles, {len(catalog.trigger_points)} trigger points, "
               f"{len(catalog.regions)} regions; meshes: {', '.join(counts)}")
    return problems, summary
