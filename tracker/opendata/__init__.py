"""Open data: the projects as an Open Contracting for Infrastructure Data Standard (OC4IDS) package."""
