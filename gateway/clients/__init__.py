"""One small typed HTTP client per service; resolvers never build URLs themselves."""
