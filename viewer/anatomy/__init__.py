"""The procedural anatomical model: data/anatomy -> assets/meshes (build time only, no Qt)."""
