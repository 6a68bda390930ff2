package dev.serverlessapp.local.functions;

import reactor.core.publisher.Mono;

/** What an activator forwards to: a function that may have to be started first. */
public interface Upstream {

    String name();

    /** The loopback port of a ready instance, once one is ready. */
    Mono<Integer> port();

    /** A request is in flight: the instance must not be stopped for idleness meanwhile. */
    void begin();

    void end();
}
