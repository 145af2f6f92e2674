"""Write: put the rendered site on disk, all or nothing."""
