package dev.serverlessapp.scheduled;

import dev.serverlessapp.contract.Events;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Posts what Knative's PingSource sends: its source, type and JSON data, in either content mode. */
final class Pings {

    static final String SOURCE = "/apis/v1/namespaces/serverless-app/pingsources/hourly";
    static final String DATA = "{\"job\":\"hourly\"}";

    private Pings() {
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** Binary mode: attributes in ce-* headers, the data as the body. */
    static WebTestClient.ResponseSpec binary(WebTestClient http, String id) {
        return http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", SOURCE)
                .header("ce-type", Events.PING)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(DATA)
                .exchange();
    }

    /** Binary mode, continuing a trace: the {@code traceparent} extension of CloudEvents distributed tracing. */
    static WebTestClient.ResponseSpec traced(WebTestClient http, String id, String traceparent) {
        return http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", SOURCE)
                .header("ce-type", Events.PING).header("ce-traceparent", traceparent)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(DATA)
                .exchange();
    }

    /** Structured mode: the whole event as application/cloudevents+json. */
    static WebTestClient.ResponseSpec structured(WebTestClient http, String id) {
        return http.post().uri("/")
                .contentType(MediaType.parseMediaType("application/cloudevents+json"))
                .bodyValue("""
                        {"specversion":"1.0","id":"%s","source":"%s","type":"%s",
                         "datacontenttype":"application/json","data":%s}""".formatted(id, SOURCE, Events.PING, DATA))
                .exchange();
    }
}
