"""Named-entity backends and the canonicalisation they share (see ``workbench.entities``)."""
