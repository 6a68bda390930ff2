package dev.serverlessapp.backends;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import scala.concurrent.Await;
import scalikejdbc.ConnectionPool;

/**
 * ElasticMQ, the SQS-compatible server, in this JVM: in memory, or keeping its queues and messages
 * in a folder (ElasticMQ's {@code messages-storage}: an H2 file) so that they outlive a restart.
 */
public final class ElasticMq implements AutoCloseable {

    /** ElasticMQ's SQL storage uses the one global scalikejdbc pool, so one stored server per JVM at a time. */
    private static final AtomicBoolean STORED_RUNNING = new AtomicBoolean();

    private final SQSRestServer server;
    private final int port;
    private final ActorSystem storedSystem;

    private ElasticMq(SQSRestServer server, int port, ActorSystem storedSystem) {
        this.server = server;
        this.port = port;
        this.storedSystem = storedSystem;
    }

    /** In memory: everything is gone when it stops. */
    public static ElasticMq start(int port) {
        // The node address makes the queue URLs it hands out point at the real port.
        SQSRestServer server = SQSRestServerBuilder.withPort(port)
                .withInterface("127.0.0.1")
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                .start();
        server.waitUntilStarted();
        return new ElasticMq(server, port, null);
    }

    /**
     * Keeping queues and messages in {@code folder}: every send, receive and delete is written before
     * ElasticMQ answers it, and a start on the same folder restores them (in-flight messages become
     * visible again when their visibility timeout ends, as in SQS).
     */
    public static ElasticMq start(int port, Path folder) {
        if (!STORED_RUNNING.compareAndSet(false, true)) {
            throw new IllegalStateException("A stored ElasticMQ already runs in this JVM (its storage is one global "
                    + "connection pool); stop it first");
        }
        ActorSystem system = null;
        try {
            String uri = "jdbc:h2:file:" + folder.toAbsolutePath().resolve("elasticmq");
            // ElasticMQ opens its pool once per JVM and keeps the first URI; set ours before every start.
            ConnectionPool.singleton(uri, "", "", ConnectionPool.singleton$default$4(),
                    ConnectionPool.DEFAULT_CONNECTION_POOL_FACTORY());
            system = ActorSystem.create("elasticmq");
            ActorRef store = system.actorOf(Props.create(SqlQueuePersistenceActor.class,
                    new SqlQueuePersistenceConfig(true, "org.h2.Driver", uri, "", "", false),
                    scala.collection.immutable.Nil$.MODULE$));
            ActorRef queues = system.actorOf(Props.create(QueueManagerActor.class, new NowProvider(),
                    StrictSQSLimits$.MODULE$, Option.apply(store)));
            // Queues and messages are back before the first request is served.
            Object restored = Patterns.ask(store, new QueueEvent.Restore(queues), Duration.ofSeconds(60))
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (restored instanceof scala.util.Left<?, ?> errors) {
                throw new IllegalStateException("ElasticMQ could not restore its queues from " + folder + ": "
                        + errors.value());
            }
            SQSRestServer server = SQSRestServerBuilder.withActorSystem(system)
                    .withQueueManagerActor(queues)
                    .withPort(port)
                    .withInterface("127.0.0.1")
                    .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                    .start();
            server.waitUntilStarted();
            return new ElasticMq(server, port, system);
        } catch (Exception e) {
            if (system != null) {
                system.terminate();
            }
            ConnectionPool.closeAll();
            STORED_RUNNING.set(false);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("ElasticMQ could not start on " + folder, e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        if (storedSystem == null) {
            server.stopAndWait();
            return;
        }
        // No graceful wait for open long polls (up to 20 s each): every change was written before it was
        // answered, so stopping the actor system (and with it the HTTP server) at once loses nothing.
        try {
            Await.result(storedSystem.terminate(), scala.concurrent.duration.Duration.create(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            // Closing the pool closes the H2 file, so another process may open the folder.
            ConnectionPool.closeAll();
            STORED_RUNNING.set(false);
        }
    }
}
