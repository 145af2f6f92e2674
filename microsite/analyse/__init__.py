"""Analyse: turn each section's Markdown into HTML and what checks need, once."""
