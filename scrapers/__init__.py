"""Floor 3: getting bytes. The polite crawler, WARC writing and reading, and the readers of user
inputs (HTML files, WARC files, stdin). The crawl orchestrator hands pages to the extractor and
records to the archive."""
