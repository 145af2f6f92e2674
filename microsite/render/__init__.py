"""Render: pages, feeds, sitemap and press kit, in memory."""
