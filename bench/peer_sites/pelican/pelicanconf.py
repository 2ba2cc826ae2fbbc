"""The synthetic digest's pages for Pelican (bench/peers_bench.py), in its default theme."""

SITENAME = "Synthetic digest"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = False
FEED_MAX_ITEMS = 50  # the newest 50, as our build's feeds
ARTICLE_URL = "sources/{slug}/"
ARTICLE_SAVE_AS = "sources/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
