"""Preview: serve the site with live reload while editors work."""
