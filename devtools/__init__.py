"""Developer tools that are not part of the service (the local Neo4j launcher)."""
