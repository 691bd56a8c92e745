// The anchor of bench/vs_neo4j_graphql.py: @neo4j/graphql over civicmesh's labels (typeDefs.graphql),
// served by Apollo's standalone HTTP server, one Node process.
//
//   node server.mjs [--port 4000] [--uri bolt://127.0.0.1:7687]
//
// Settings (arguments win over the environment): NEO4J_URI (default bolt://127.0.0.1:7687),
// NEO4J_USER and NEO4J_PASSWORD (none: no authentication, like devtools/neo4j_local),
// NEO4J_DATABASE (default neo4j), PORT (default 4000). POST GraphQL to http://127.0.0.1:<port>/.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const uri = option("uri", process.env.NEO4J_URI || "bolt://127.0.0.1:7687");
const user = option("user", process.env.NEO4J_USER || "");
const password = option("password", process.env.NEO4J_PASSWORD || "");
const database = option("database", process.env.NEO4J_DATABASE || "neo4j");
const port = Number(option("port", process.env.PORT || "4000"));

const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(uri, user ? neo4j.auth.basic(user, password) : undefined);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port },
  context: async () => ({ sessionConfig: { database } }),
});
console.log(`neo4j-graphql anchor: ${uri} (database ${database}) served at ${url}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  });
}
