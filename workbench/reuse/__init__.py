"""Who copies whom: shared text between articles, stories, flows between outlets, quotes that travel."""
