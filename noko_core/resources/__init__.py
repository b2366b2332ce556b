"""One mixin per Noko resource; NokoClient combines them into flat, seed-named methods."""
