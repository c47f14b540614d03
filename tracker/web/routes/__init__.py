"""The web app's routes, one module per area; each has a module-level `router`."""
