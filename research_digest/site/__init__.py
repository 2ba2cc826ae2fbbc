"""The site, made in memory: write-ups, pages, feeds, the search index, citations,
charts and the data export."""
