"""The last steps: the guard over every page, and the writer of the output folder."""
