package dev.serverlessapp.backends;

import java.net.URI;

/**
 * The backends without Docker: dynalite (Node.js), ElasticMQ (in this JVM) and S3Proxy (a child JVM),
 * each started on a random loopback port the first time a test asks for it, and shared by every test
 * class in the JVM. Tests isolate themselves with a fresh table, queue or bucket.
 */
public final class LocalBackends implements Backends {

    private static final LocalBackends SHARED = new LocalBackends();

    private Dynalite dynalite;
    private ElasticMq elasticMq;
    private S3ProxyServer s3Proxy;
    private SmtpCatcher smtp;

    private LocalBackends() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-local-backends"));
    }

    public static LocalBackends shared() {
        return SHARED;
    }

    @Override
    public synchronized URI dynamoDbEndpoint() {
        if (dynalite == null) {
            dynalite = Dynalite.start(Ports.free(), null);
        }
        return dynalite.endpoint();
    }

    @Override
    public synchronized URI sqsEndpoint() {
        if (elasticMq == null) {
            elasticMq = ElasticMq.start(Ports.free());
        }
        return elasticMq.endpoint();
    }

    @Override
    public synchronized URI s3Endpoint() {
        if (s3Proxy == null) {
            s3Proxy = S3ProxyServer.start(Ports.free(), null);
        }
        return s3Proxy.endpoint();
    }

    /** An SMTP server that keeps what it receives. */
    public synchronized SmtpCatcher smtp() {
        if (smtp == null) {
            smtp = SmtpCatcher.start(Ports.free());
        }
        return smtp;
    }

    @Override
    public String name() {
        return "local";
    }

    private synchronized void close() {
        for (AutoCloseable backend : new AutoCloseable[] {dynalite, elasticMq, s3Proxy, smtp}) {
            if (backend != null) {
                try {
                    backend.close();
                } catch (Exception e) {
                    // Stopping at JVM exit; nothing more to do.
                }
            }
        }
    }
}
