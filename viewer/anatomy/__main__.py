"""``python -m viewer.anatomy [--coarse] [--out DIR] [--no-screenshots] [--no-check]``."""

from __future__ import annotations

import argparse
import sys

from viewer.locations import assets_dir, data_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m viewer.anatomy", description="Build the mesh assets.")
    parser.add_argument("--coarse", action="store_true", help="fast low-resolution build")
    parser.add_argument("--out", default=None, help="output folder (default assets/meshes)")
    parser.add_argument("--no-screenshots", action="store_true")
    parser.add_argument("--no-check", action="store_true", help="write even if a gate fails (development)")
    parser.add_argument("--review-only", action="store_true", help="re-shoot the screenshots of the built assets")
    args = parser.parse_args(argv)
    if args.review_only:
        from pathlib import Path

        from viewer.anatomy.review import parts_from_assets, write_review

        out = Path(args.out or assets_dir())
        write_review(out, parts_from_assets(out), out.parent / "review")
        return 0
    from viewer.anatomy.build import build_assets
    from viewer.anatomy.errors import AnatomyDataError, BuildError

    try:
        build_assets(data_dir(), args.out or assets_dir(), coarse=args.coarse,
                     screenshots=not args.no_screenshots, check=not args.no_check)
    except AnatomyDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
