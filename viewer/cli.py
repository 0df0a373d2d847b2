"""Command line: ``trigger-atlas`` / ``python -m viewer``.

With no sub-command the GUI starts. Sub-commands: ``check``, ``render``, ``list``, ``lookup``,
``build-assets``, ``bench``. Exit codes: 0 success, 1 data or asset problems (listed one per
line), 2 bad arguments or unknown ids. Heavy modules are imported only by the sub-command that
needs them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from viewer import APP_NAME, __version__, locations

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
VIEWS = ("front", "back", "left", "right")


class UsageError(Exception):
    """A bad argument or an unknown id: reported in one line, exit code 2."""


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, not {text!r}") from None
    if not (64 <= w <= 8192 and 64 <= h <= 8192):
        raise argparse.ArgumentTypeError(f"size {text!r} is out of range (64..8192 per side)")
    return w, h


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="trigger-atlas", description=f"{APP_NAME}: a 3D atlas of myofascial "
                                "trigger points and their referred pain. Educational, not diagnostic.")
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    p.add_argument("--lod", type=int, choices=(0, 1), help="level of detail (default: by renderer)")
    p.add_argument("--data", type=Path, help="data folder (default: the bundled data/)")
    p.add_argument("--assets", type=Path, help="mesh folder (default: the bundled assets/meshes/)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("check", help="validate the data and the mesh assets")
    r = sub.add_parser("render", help="render a view to a PNG file without a window")
    r.add_argument("--view", choices=VIEWS, default="front")
    r.add_argument("--select", metavar="TRIGGER_POINT_ID", help="trigger point whose zone is painted")
    r.add_argument("--side", choices=("left", "right"), default="right")
    r.add_argument("--skin", choices=("opaque", "translucent", "hidden"), default="opaque")
    r.add_argument("--out", type=Path, required=True, metavar="FILE.png")
    r.add_argument("--size", type=_size, default=(1280, 800), metavar="WxH")
    li = sub.add_parser("list", help="list muscles, trigger points or regions")
    li.add_argument("what", choices=("muscles", "trigger-points", "regions"))
    li.add_argument("--json", action="store_true", help="print JSON")
    lo = sub.add_parser("lookup", help="pain finder: trigger points that refer to these regions")
    lo.add_argument("regions", nargs="+", metavar="REGION")
    lo.add_argument("--side", choices=("left", "right"))
    lo.add_argument("--top", type=int, default=10, metavar="N")
    lo.add_argument("--json", action="store_true", help="print JSON")
    b = sub.add_parser("build-assets", help="build assets/meshes from data/anatomy")
    b.add_argument("--coarse", action="store_true", help="fast low-resolution build (tests)")
    b.add_argument("--out", type=Path, help="output folder (default: assets/meshes)")
    b.add_argument("--no-screenshots", action="store_true", help="skip the review screenshots")
    be = sub.add_parser("bench", help="measure start-up, frame time, selection, search, memory")
    be.add_argument("--json", action="store_true")
    be.add_argument("--lod", type=int, choices=(0, 1), default=argparse.SUPPRESS,
                    help="level of detail (default: by renderer)")
    be.add_argument("--size", type=_size, default=(1280, 800), metavar="WxH")
    be.add_argument("--build", action="store_true", help="time the asset build instead")
    be.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    return p


def _catalog(args: argparse.Namespace):
    from viewer.datafiles import load_catalog

    return load_catalog(args.data or locations.data_dir())


def _library(args: argparse.Namespace, lod: int | None = None):
    from viewer.geometry.meshes import MeshLibrary

    return MeshLibrary(args.assets or locations.assets_dir(), lod if lod is not None else args.lod)


def _cmd_check(args: argparse.Namespace) -> int:
    from viewer.checks import check_all

    problems, summary = check_all(args.data or locations.data_dir(), args.assets or locations.assets_dir())
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"check: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"check: OK - {summary}")
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    from viewer.domain.listing import listing

    rows = listing(_catalog(args), args.what)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            print(row["id"], "-", row.get("name", ""))
    return EXIT_OK


def _cmd_lookup(args: argparse.Namespace) -> int:
    from viewer.domain.painfinder import drawing_from_regions, rank

    catalog = _catalog(args)
    unknown = [r for r in args.regions if not catalog.has_region(r)]
    if unknown:
        from difflib import get_close_matches

        hints = [f"'{u}'" + (f" (did you mean '{m[0]}'?)" if (m := get_close_matches(
            u, [r.id for r in catalog.regions], n=1)) else "") for u in unknown]
        raise UsageError(f"unknown region id {', '.join(hints)}; see 'python -m viewer list regions'")
    if args.top < 1:
        raise UsageError("--top must be at least 1")
    found = rank(catalog, drawing_from_regions(args.regions), side=args.side, top=args.top)
    items = [{"rank": i + 1, "trigger_point": c.trigger_point, "name": catalog.trigger_point(c.trigger_point).name,
              "muscle": c.muscle, "side": c.side, "score": c.score, "coverage": c.coverage,
              "specificity": c.specificity, "essential_regions_hit": list(c.essential_hits),
              "spillover_regions_hit": list(c.spillover_hits), "reason": c.reason}
             for i, c in enumerate(found)]
    if args.json:
        print(json.dumps(items, indent=2, ensure_ascii=False))
    elif not items:
        print("No trigger point in the atlas refers pain to these regions.")
    else:
        for it in items:
            side = f" ({it['side']})" if it["side"] else ""
            print(f"{it['rank']:>2}. {it['score']:5.1f}  {it['name']}{side}\n      {it['reason']}")
    return EXIT_OK


def _cmd_render(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    if args.select and not catalog.has_trigger_point(args.select):
        from difflib import get_close_matches

        m = get_close_matches(args.select, [t.id for t in catalog.trigger_points], n=1)
        raise UsageError(f"unknown trigger point id '{args.select}'" + (f" (did you mean '{m[0]}'?)" if m else "")
                         + "; see 'python -m viewer list trigger-points'")
    if args.out.suffix.lower() != ".png":
        raise UsageError(f"--out must name a .png file, not '{args.out}'")
    if not args.out.parent.exists():
        raise UsageError(f"--out folder '{args.out.parent}' does not exist")
    from viewer.export.png import write_png
    from viewer.scene.offscreen import render_image

    rgb = render_image(catalog, _library(args), view=args.view, select=args.select, side=args.side,
                       size=args.size, skin=args.skin)
    write_png(args.out, rgb)
    print(f"wrote {args.out} ({rgb.shape[1]}x{rgb.shape[0]})")
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from viewer.anatomy.build import build_assets
    from viewer.anatomy.errors import AnatomyDataError, BuildError

    out = args.out or locations.assets_dir()
    try:
        report = build_assets(args.data or locations.data_dir(), out, coarse=args.coarse,
                              screenshots=not args.no_screenshots)
    except BuildError as exc:
        print(f"build-assets: quality gates failed:\n{exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except AnatomyDataError as exc:
        print(f"build-assets: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"build-assets: wrote {out} in {report.get('seconds', 0):.1f} s")
    return EXIT_OK


def _cmd_bench(args: argparse.Namespace) -> int:
    from viewer.bench import main as bench_main

    return bench_main(args)


def _cmd_gui(args: argparse.Namespace) -> int:
    import os

    from viewer.app import run

    # the GUI finds its folders through viewer.locations, which reads these variables
    if args.data:
        os.environ["TRIGGER_ATLAS_DATA"] = str(args.data)
    if args.assets:
        os.environ["TRIGGER_ATLAS_ASSETS"] = str(args.assets)
    return run(None, lod=args.lod)


COMMANDS = {None: _cmd_gui, "check": _cmd_check, "list": _cmd_list, "lookup": _cmd_lookup,
            "render": _cmd_render, "build-assets": _cmd_build, "bench": _cmd_bench}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    from viewer.datafiles.errors import DataError
    from viewer.geometry.meshes import AssetError

    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"trigger-atlas: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} data problem(s); nothing was loaded", file=sys.stderr)
        return EXIT_PROBLEMS
    except AssetError as exc:
        print(f"trigger-atlas: asset problem: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
