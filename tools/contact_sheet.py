"""Contact sheets of the painted referral zone of every trigger point (for content review).

For each trigger point the script paints its zone on the right side, picks the standard view
(front, back or right) that faces most of the essential zone, renders the app's scene off
screen, crops the picture around the painted skin, labels it with the trigger point id and
tiles the thumbnails into PNG sheets::

    python tools/contact_sheet.py docs/zones                 # every trigger point
    python tools/contact_sheet.py /tmp/zones --muscle scalenes --muscle deltoid

One process, one render per trigger point (plus one bare render per view used), so it is
gentle on a shared machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from viewer.datafiles import DataError, load_catalog  # noqa: E402
from viewer.domain.model import Side, TriggerPoint  # noqa: E402
from viewer.export.png import write_png  # noqa: E402
from viewer.geometry.meshes import AssetError, MeshLibrary  # noqa: E402

# Views that can show the right side; "left" looks at the other half of the body.
VIEW_DIRECTIONS = {"front": (0.0, 1.0, 0.0), "back": (0.0, -1.0, 0.0), "right": (1.0, 0.0, 0.0)}
RENDER_SIZE = (720, 1080)    # (w, h) of the full-body render the thumbnail is cut from
MIN_CROP_FRACTION = 0.20     # the crop shows at least this share of the render height
PAD_FRACTION = 0.25          # margin around the painted area, as a share of its size
LABEL_HEIGHT = 18
BACKGROUND = np.array([255, 255, 255], np.uint8)


@dataclass(frozen=True)
class Thumb:
    tp_id: str
    view: str
    image: np.ndarray  # (h, w, 3) uint8


def best_view(normals: np.ndarray, areas: np.ndarray, essential: np.ndarray, spillover: np.ndarray) -> str:
    """The standard view that faces most of the essential zone (spillover only breaks ties and
    stands in when a trigger point has no essential paint)."""
    weight = areas * (essential + (0.05 if essential.sum() > 0 else 1.0) * spillover)
    if weight.sum() <= 0:
        return "front"
    mean = (normals * weight[:, None]).sum(axis=0)
    # Clamp at zero per vertex so skin facing away does not cancel skin facing the camera.
    scores = {name: float((np.clip(normals @ np.array(d), 0.0, None) * weight).sum())
              for name, d in VIEW_DIRECTIONS.items()}
    scores = {name: s + 0.1 * float(mean @ np.array(VIEW_DIRECTIONS[name])) for name, s in scores.items()}
    return max(scores, key=scores.get)


def painted_box(bare: np.ndarray, painted: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the zone's paint: changed pixels of the zone colours.

    The legend (bottom of the picture) also appears on selection, so only changed pixels
    that are clearly vermillion or sky blue count, and the bottom strip is ignored.
    """
    img = painted.astype(np.int16)
    changed = np.abs(bare.astype(np.int16) - img).sum(axis=2) > 60
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    vermillion = (r - b > 110) & (g < 0.75 * r)
    sky_blue = (b - r > 40) & (b > 120)
    paint = changed & (vermillion | sky_blue)
    paint[int(0.92 * paint.shape[0]):] = False
    rows, cols = np.flatnonzero(paint.any(axis=1)), np.flatnonzero(paint.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def crop_box(box: tuple[int, int, int, int] | None, shape: tuple[int, ...],
             aspect: float) -> tuple[int, int, int, int]:
    """A window of the thumbnail's aspect (w / h) around ``box``, inside the image if possible."""
    h, w = shape[:2]
    top, bottom, left, right = box if box is not None else (0, h, 0, w)
    ch = max((bottom - top) * (1 + 2 * PAD_FRACTION), (right - left) * (1 + 2 * PAD_FRACTION) / aspect,
             MIN_CROP_FRACTION * h)
    ch = min(ch, h)
    cw = ch * aspect
    cy, cx = (top + bottom) / 2.0, (left + right) / 2.0
    y0 = int(round(np.clip(cy - ch / 2.0, 0, max(h - ch, 0))))
    x0 = int(round(cx - cw / 2.0))  # may leave the picture sideways: padded with background
    return y0, y0 + int(round(ch)), x0, x0 + int(round(cw))


def cut(image: np.ndarray, window: tuple[int, int, int, int]) -> np.ndarray:
    """The window of ``image``, padded with background where it leaves the picture."""
    y0, y1, x0, x1 = window
    h, w = image.shape[:2]
    out = np.empty((y1 - y0, x1 - x0, 3), np.uint8)
    out[:] = BACKGROUND
    sy0, sy1, sx0, sx1 = max(y0, 0), min(y1, h), max(x0, 0), min(x1, w)
    out[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = image[sy0:sy1, sx0:sx1]
    return out


def resize(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Box-filter resize to (w, h): exact block means after an integer upsampling if needed."""
    w, h = size
    src = np.asarray(image)
    # repeat pixels first so that every output pixel covers at least one source pixel
    fy, fx = -(-h // src.shape[0]), -(-w // src.shape[1])
    if fy > 1 or fx > 1:
        src = src.repeat(fy, axis=0).repeat(fx, axis=1)
    ii = np.zeros((src.shape[0] + 1, src.shape[1] + 1, src.shape[2]))
    ii[1:, 1:] = src.astype(np.float64).cumsum(0).cumsum(1)
    ys = (np.arange(h + 1) * src.shape[0]) // h  # strictly increasing: src rows >= h
    xs = (np.arange(w + 1) * src.shape[1]) // w
    a, b = ys[:-1, None], ys[1:, None]
    c, d = xs[None, :-1], xs[None, 1:]
    total = ii[b, d] - ii[a, d] - ii[b, c] + ii[a, c]
    return np.clip(np.round(total / ((b - a) * (d - c))[..., None]), 0, 255).astype(np.uint8)


def text_image(text: str, size: int = 11) -> np.ndarray:
    """Coverage (h, w) float in [0, 1] of ``text`` rendered by VTK's FreeType renderer."""
    import vtk
    from vtk.util.numpy_support import vtk_to_numpy

    prop = vtk.vtkTextProperty()
    prop.SetFontSize(size)
    prop.SetColor(0.0, 0.0, 0.0)
    data = vtk.vtkImageData()
    if not vtk.vtkTextRenderer().RenderString(prop, text, data, [0, 0], 72):
        return np.zeros((1, 1))
    w, h, _ = data.GetDimensions()
    rgba = vtk_to_numpy(data.GetPointData().GetScalars()).reshape(h, w, -1)
    return rgba[::-1, :, -1].astype(np.float64) / 255.0  # VTK rows start at the bottom


def label(image: np.ndarray, text: str) -> np.ndarray:
    """``image`` with a white strip on top holding ``text``."""
    h, w = image.shape[:2]
    strip = np.full((LABEL_HEIGHT, w, 3), 255.0)
    glyphs = text_image(text)[:LABEL_HEIGHT - 2, :w - 4]
    gh, gw = glyphs.shape
    y0 = (LABEL_HEIGHT - gh) // 2
    region = strip[y0:y0 + gh, 3:3 + gw]
    region *= (1.0 - glyphs)[..., None]
    return np.vstack([strip.astype(np.uint8), image])


def tile(thumbs: list[np.ndarray], cols: int, rows: int) -> np.ndarray:
    """One sheet: thumbnails row by row with a 2-pixel grey gutter."""
    th, tw = thumbs[0].shape[:2]
    gap = 2
    sheet = np.full((rows * (th + gap) + gap, cols * (tw + gap) + gap, 3), 200, np.uint8)
    for i, thumb in enumerate(thumbs):
        r, c = divmod(i, cols)
        y, x = gap + r * (th + gap), gap + c * (tw + gap)
        sheet[y:y + th, x:x + tw] = thumb
    used_rows = (len(thumbs) + cols - 1) // cols
    return sheet[:gap + used_rows * (th + gap)]


def whole_regions(rasteriser, tp: TriggerPoint, below: float) -> list[str]:
    """Listed regions that the tier's shapes cover less than ``below`` (area share, right side).

    The rasteriser paints such a region as a whole (rounded) region: fine when the chart
    fills it, a sign of a missing shape when the chart only touches part of it.
    """
    out = []
    for tier in ("essential", "spillover"):
        zone = getattr(tp.referral, tier)
        shapes = np.zeros(rasteriser.graph.n_points)
        for number, shape in enumerate(zone.shapes, start=1):
            np.maximum(shapes, rasteriser._shape(shape, Side.RIGHT, f"{tp.id} {tier} shape {number}"), out=shapes)
        for region in zone.regions:
            half = rasteriser.region_mask(region, Side.RIGHT)
            area = float(rasteriser.areas[half].sum())
            covered = float(rasteriser.areas[half] @ shapes[half]) / area if area > 0 else 0.0
            if covered < below:
                out.append(f"{tier}:{region} {covered:.2f} of {area * 1e4:.0f} cm2")
    return out


def posterize(image: np.ndarray, step: int) -> np.ndarray:
    """Round colours to multiples of ``step``: the sheets stay readable and compress ~3x better
    (the PNG writer has no row filters, so smooth shading is what makes files big)."""
    if step <= 1:
        return image
    return np.clip(image // step * step + step // 2, 0, 255).astype(np.uint8)


def chosen(catalog, muscles: list[str]) -> list[TriggerPoint]:
    tps = list(catalog.trigger_points)
    if muscles:
        tps = [tp for tp in tps if tp.muscle in muscles or any(tp.id.startswith(m) for m in muscles)]
    return tps


def thumbnails(catalog, library: MeshLibrary, tps: list[TriggerPoint], size: tuple[int, int],
               coverage: float) -> list[Thumb]:
    """Render, crop and label one thumbnail per trigger point (progress on stdout)."""
    from viewer.geometry.referral import ReferralRasteriser
    from viewer.scene.offscreen import render_image

    tw, th = size
    skin = library.load(library.skin_part().id)
    rasteriser = ReferralRasteriser(skin, library.regions, library.landmarks)
    normals = np.asarray(skin.normals, np.float64)
    bare: dict[str, np.ndarray] = {}
    thumbs: list[Thumb] = []
    body_h = th - LABEL_HEIGHT
    for tp in tps:
        essential, spillover = rasteriser.weights(tp, Side.RIGHT)
        view = best_view(normals, rasteriser.areas, np.asarray(essential, float), np.asarray(spillover, float))
        if view not in bare:
            bare[view] = render_image(catalog, library, view=view, side="right", size=RENDER_SIZE, title=False)
        image = render_image(catalog, library, view=view, select=tp.id, side="right", size=RENDER_SIZE,
                             title=False)
        window = crop_box(painted_box(bare[view], image), image.shape, tw / body_h)
        small = resize(cut(image, window), (tw, body_h))
        thumbs.append(Thumb(tp.id, view, label(small, f"{tp.id} ({view})")))
        whole = whole_regions(rasteriser, tp, coverage) if coverage > 0 else []
        print(f"{tp.id}: {view}" + (f"; whole regions: {', '.join(whole)}" if whole else ""), flush=True)
    return thumbs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the PNG sheets (created if needed)")
    parser.add_argument("--muscle", action="append", default=[],
                        help="only this muscle id (or trigger point id prefix); repeatable")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--assets", type=Path, default=ROOT / "assets" / "meshes")
    parser.add_argument("--lod", type=int, default=1)
    parser.add_argument("--thumb", default="220x260", help="thumbnail size WxH (default 220x260)")
    parser.add_argument("--grid", default="6x4", help="thumbnails per sheet COLSxROWS (default 6x4)")
    parser.add_argument("--coverage", type=float, default=0.0, metavar="SHARE",
                        help="also list regions whose shapes cover less than SHARE (e.g. 0.25): "
                             "those are painted as whole regions")
    parser.add_argument("--step", type=int, default=8,
                        help="colour rounding step for smaller files (1 = exact colours; default 8)")
    parser.add_argument("--prefix", default="zones", help="sheet file name prefix")
    args = parser.parse_args(argv)

    try:
        tw, th = (int(v) for v in args.thumb.lower().split("x"))
        cols, rows = (int(v) for v in args.grid.lower().split("x"))
    except ValueError:
        parser.error("--thumb and --grid take WxH, e.g. 220x260 and 6x4")
    try:
        catalog = load_catalog(args.data)
    except DataError as exc:
        print(f"contact_sheet: {exc}", file=sys.stderr)
        return 2
    try:
        library = MeshLibrary(args.assets, args.lod)
    except (AssetError, OSError, ValueError) as exc:
        print(f"contact_sheet: {exc}", file=sys.stderr)
        return 2
    tps = chosen(catalog, args.muscle)
    if not tps:
        print("contact_sheet: no trigger point matches the filter", file=sys.stderr)
        return 2

    started = time.perf_counter()
    thumbs = thumbnails(catalog, library, tps, (tw, th), args.coverage)
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.glob(f"{args.prefix}_[0-9][0-9].png"):  # sheets of an earlier, longer run
        stale.unlink()
    per_sheet = cols * rows
    for number, start in enumerate(range(0, len(thumbs), per_sheet), start=1):
        sheet = posterize(tile([t.image for t in thumbs[start:start + per_sheet]], cols, rows), args.step)
        path = write_png(args.out / f"{args.prefix}_{number:02d}.png", sheet)
        print(f"wrote {path} ({len(thumbs[start:start + per_sheet])} trigger points)")
    print(f"{len(thumbs)} trigger points in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
