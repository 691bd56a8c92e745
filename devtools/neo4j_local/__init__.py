"""A Neo4j 5.26 Community server from Maven Central, on a free loopback port (no Docker)."""
