"""The public portal: published Flemish guidance, readable without logging in."""
