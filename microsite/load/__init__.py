"""Load: read the project's files into frozen records, each problem with its place."""
