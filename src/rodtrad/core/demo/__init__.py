"""Demo organisations, one profile per seed region; the facts live here, not in ../shared."""
