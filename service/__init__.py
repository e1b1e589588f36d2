"""Floor 4: the command line, the HTTP API and the web page. No logic of its own: every command
and endpoint is one call into scrapers/, extractor/ or archive/."""
