"""Engine of the bilingual microsite generator: load, validate, render, write."""
