"""Trigger Point Atlas: a 3D atlas of myofascial trigger points and their referred pain.

Importing this package loads nothing heavy; the layers are imported where they are used.
"""

__version__ = "0.1.0"
APP_NAME = "Trigger Point Atlas"
