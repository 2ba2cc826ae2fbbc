"""What 'check' adds to a build: the lint rules, the site's links, and links to other sites."""
