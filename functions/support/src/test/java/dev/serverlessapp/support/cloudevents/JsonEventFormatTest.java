package dev.serverlessapp.support.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.testing.fuzz.Fuzz;
import dev.serverlessapp.testing.fuzz.Hostile;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Our JSON format on Jackson 3 against the CloudEvents SDK's own (on Jackson 2), both ways: what one
 * writes, the other reads back to the same event. Replies stored by the SDK's format before ours must
 * still decode.
 */
class JsonEventFormatTest {

    private static final EventFormat OURS = new JsonEventFormat();
    private static final EventFormat SDK = new JsonFormat();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void generatedEventsReadBackTheSameThroughEitherFormat() {
        Fuzz.run("JSON event format against the SDK's", 300, 20_000, (random, index) -> {
            CloudEvent event = event(random);
            assertSame(event, SDK.deserialize(OURS.serialize(event)));
            assertSame(event, OURS.deserialize(SDK.serialize(event)));
            assertSame(event, OURS.deserialize(OURS.serialize(event)));
        });
    }

    @Test
    void aReplyStoredByTheSdksFormatStillDecodes() {
        String stored = """
                {"specversion":"1.0","id":"reply-1","source":"/functions/echo","type":"dev.serverlessapp.echoed",\
                "datacontenttype":"application/json","time":"2026-11-27T02:59:25.756Z","traceparent":"00-abc-def-01",\
                "data":{"to":"a@example.com","n":1}}""";

        CloudEvent reply = ReplyCodec.decode(stored);

        assertThat(reply.getId()).isEqualTo("reply-1");
        assertThat(reply.getSource()).isEqualTo(URI.create("/functions/echo"));
        assertThat(reply.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-27T02:59:25.756Z"));
        assertThat(reply.getExtension("traceparent")).isEqualTo("00-abc-def-01");
        assertThat(JSON.readTree(reply.getData().toBytes())).isEqualTo(JSON.readTree("{\"to\":\"a@example.com\",\"n\":1}"));
        assertSame(reply, ReplyCodec.decode(ReplyCodec.encode(reply)));
    }

    @Test
    void dataAndDataBase64TogetherAreRefused() {
        assertThatThrownBy(() -> OURS.deserialize("""
                {"specversion":"1.0","id":"1","source":"/s","type":"t","data":{},"data_base64":"AA=="}"""
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDeserializationException.class)
                .hasMessageContaining("both 'data' and 'data_base64'");
    }

    @Test
    void hostileBodiesAreRefusedAsNotAnEventNeverWithAnotherException() {
        Fuzz.run("JSON event format, hostile bodies", 300, 20_000, (random, index) -> {
            byte[] body = random.nextBoolean() ? Hostile.utf8(Hostile.json(random, 4)) : Hostile.bytes(random, 200);
            try {
                OURS.deserialize(body);
            } catch (EventDeserializationException refused) {
                // The only way to refuse: CloudEventHttp answers it 400.
            }
        });
    }

    private static CloudEvent event(Random random) {
        CloudEventBuilder event = CloudEventBuilder.v1()
                .withId("id-" + random.nextInt(1000))
                .withSource(URI.create("/sources/" + random.nextInt(100)))
                .withType("dev.serverlessapp.type" + random.nextInt(10));
        if (random.nextBoolean()) {
            event.withSubject(printable(random));
        }
        if (random.nextBoolean()) {
            event.withTime(OffsetDateTime.of(2026, 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24),
                    random.nextInt(60), random.nextInt(60), random.nextInt(1000) * 1_000_000, ZoneOffset.UTC));
        }
        if (random.nextBoolean()) {
            event.withDataSchema(URI.create("https://example.com/schema/" + random.nextInt(10)));
        }
        if (random.nextBoolean()) {
            event.withExtension("traceparent", "00-" + Long.toHexString(random.nextLong()) + "-01");
        }
        if (random.nextBoolean()) {
            event.withExtension("attempt", random.nextInt(1000));
        }
        if (random.nextBoolean()) {
            event.withExtension("replayed", random.nextBoolean());
        }
        switch (random.nextInt(4)) {
            case 0 -> event.withData("application/json", ("{\"text\":" + Hostile.quote(printable(random)) + ",\"n\":"
                    + random.nextInt() + ",\"list\":[true,null,1.5]}").getBytes(StandardCharsets.UTF_8));
            case 1 -> event.withData("text/plain", printable(random).getBytes(StandardCharsets.UTF_8));
            case 2 -> event.withData("application/octet-stream", Hostile.bytes(random, 64));
            default -> {
                // No data.
            }
        }
        return event.build();
    }

    /** Text a CloudEvent attribute may hold (no controls, no lone surrogates): what a real event carries. */
    private static String printable(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(30);
        while (text.length() < length) {
            int codePoint = random.nextBoolean() ? 0x20 + random.nextInt(0x5F) : 0xA0 + random.nextInt(0x2000);
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    private static void assertSame(CloudEvent expected, CloudEvent actual) {
        assertThat(actual.getSpecVersion()).isEqualTo(expected.getSpecVersion());
        assertThat(actual.getId()).isEqualTo(expected.getId());
        assertThat(actual.getSource()).isEqualTo(expected.getSource());
        assertThat(actual.getType()).isEqualTo(expected.getType());
        assertThat(actual.getSubject()).isEqualTo(expected.getSubject());
        assertThat(actual.getDataContentType()).isEqualTo(expected.getDataContentType());
        assertThat(actual.getDataSchema()).isEqualTo(expected.getDataSchema());
        assertThat(actual.getTime() == null ? null : actual.getTime().toInstant())
                .isEqualTo(expected.getTime() == null ? null : expected.getTime().toInstant());
        assertThat(actual.getExtensionNames()).isEqualTo(expected.getExtensionNames());
        for (String name : expected.getExtensionNames()) {
            assertThat(String.valueOf(actual.getExtension(name))).as(name).isEqualTo(String.valueOf(expected.getExtension(name)));
        }
        if (expected.getData() == null) {
            assertThat(actual.getData()).isNull();
        } else if (JsonEventFormat.isJson(expected.getDataContentType())) {
            assertThat(JSON.readTree(actual.getData().toBytes())).isEqualTo(JSON.readTree(expected.getData().toBytes()));
        } else {
            assertThat(actual.getData().toBytes()).isEqualTo(expected.getData().toBytes());
        }
    }
}
