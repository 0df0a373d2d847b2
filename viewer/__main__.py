"""``python -m viewer``: the same entry point as the ``trigger-atlas`` console script."""

from viewer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
