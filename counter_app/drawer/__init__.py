"""Cash drawers and end of day: floats, cash movements, blind counts, Z reports and the GL journal. Pure domain."""
