"""One router per resource: health, agencies, tasks, policies, regions, documents, queries (+ /cypher)."""
