import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Starts a Neo4j 5.26 Community DBMS (embedded engine) with Bolt on 127.0.0.1:PORT,
 * for tests and development without Docker.
 *
 * <p>Usage: {@code java -cp 'lib/*:launcher.jar' Launcher <homeDir> <port>} (or {@code lib/*:classes})
 *
 * <p>The page cache is {@code -Dcivicmesh.neo4j.pagecache=SIZE} (e.g. {@code 512m}, {@code 1g}; default
 * 512m, as the Docker service's {@code NEO4J_server_memory_pagecache_size}): off-heap memory, taken as
 * pages are read, so a small database costs no more under a larger setting. The heap is the JVM's own
 * {@code -Xms}/{@code -Xmx}.
 *
 * <p>Prints exactly one line {@code CIVICMESH_NEO4J_READY bolt://127.0.0.1:<port>} to stdout
 * once the default database "neo4j" is available. Neo4j's own logs go to homeDir/logs.
 * The server stops cleanly on SIGTERM/SIGINT, and also when stdin reaches end-of-file, so
 * it never outlives the parent process that holds the other end of the pipe.
 */
public final class Launcher {
    private static final String DEFAULT_DB = "neo4j";
    private static final String READY = "CIVICMESH_NEO4J_READY";
    private static final String PAGECACHE = "civicmesh.neo4j.pagecache";
    private static final String PAGECACHE_DEFAULT = "512m";

    private static volatile DatabaseManagementService dbms;

    private Launcher() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: Launcher <homeDir> <port>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            System.err.println("Launcher: port must be an integer, got " + args[1]);
            System.exit(2);
            return;
        }

        String pagecacheText = System.getProperty(PAGECACHE, PAGECACHE_DEFAULT).trim();
        long pagecache;
        try {
            pagecache = ByteUnit.parse(pagecacheText);
        } catch (IllegalArgumentException e) {
            System.err.println("Launcher: " + PAGECACHE + " must be a size such as 512m or 1g, got '" + pagecacheText + "'");
            System.exit(2);
            return;
        }

        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::shutdown, "civicmesh-neo4j-shutdown"));
        startStdinWatcher();

        try {
            DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                    // Bolt on loopback only, no TLS, no auth.
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    .setConfig(GraphDatabaseSettings.initial_default_database, DEFAULT_DB)
                    // No server-side routing (nothing else to route to; avoids another listener).
                    .setConfig(GraphDatabaseSettings.routing_enabled, false)
                    // The page cache holds the store's pages off the heap (see the class comment).
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                    .setConfig(GraphDatabaseSettings.pagecache_warmup_enabled, false)
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(32))
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                    .setConfig(GraphDatabaseSettings.log_queries, GraphDatabaseSettings.LogQueryLevel.OFF)
                    // Nothing that talks to the network: anonymous usage reporting off.
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseInternalSettings.udc_network_enabled, false)
                    .setConfig(BoltConnector.server_bolt_telemetry_enabled, false)
                    // Fast, clean stop: Netty's default 5 s quiet period per event-loop group
                    // (two groups: bolt and bolt-local) made shutdown take ~10 s.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                    .build();
            dbms = service;

            GraphDatabaseService db = service.database(DEFAULT_DB);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!db.isAvailable(Duration.ofSeconds(1).toMillis())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("database '" + DEFAULT_DB + "' did not become available");
                }
            }
            System.out.println(READY + " bolt://127.0.0.1:" + port);
            System.out.flush();
        } catch (Throwable t) {
            System.err.println("Launcher: failed to start Neo4j: " + t);
            t.printStackTrace(System.err);
            System.err.flush();
            // The shutdown hook stops whatever had started.
            System.exit(1);
        }
        // main returns; Neo4j's non-daemon threads keep the JVM alive until shutdown.
    }

    /** Exit (running the shutdown hook) when stdin reaches EOF, i.e. the parent went away. */
    private static void startStdinWatcher() {
        Thread watcher = new Thread(() -> {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // Ignore anything written; only EOF matters.
                }
            } catch (IOException e) {
                // Treat a broken stdin like EOF.
            }
            System.exit(0);
        }, "civicmesh-neo4j-stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void shutdown() {
        DatabaseManagementService service = dbms;
        if (service != null) {
            dbms = null;
            try {
                service.shutdown();
            } catch (Throwable t) {
                System.err.println("Launcher: error during shutdown: " + t);
            }
        }
    }
}
