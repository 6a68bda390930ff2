package dev.serverlessapp.files;

import dev.serverlessapp.support.claim.Claims;
import dev.serverlessapp.support.cloudevents.CloudEventRoutes;
import dev.serverlessapp.support.idempotency.IdempotencyProperties;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import tools.jackson.databind.json.JsonMapper;

/** The file-processor function: S3 upload notifications in, {@code processed/} objects and events out. */
@SpringBootApplication(proxyBeanMethods = false)
@EnableConfigurationProperties(FileProcessorProperties.class)
public class FileProcessorApplication {

    public static void main(String[] args) {
        SpringApplication.run(FileProcessorApplication.class, args);
    }

    @Bean
    Thumbnailer thumbnailer(FileProcessorProperties properties) {
        return new Thumbnailer(properties);
    }

    /**
     * Two layers of "once": function-support's claim on the event (a redelivery of the same event gets
     * the same reply without touching S3) and the claim on each object version, which is also its
     * processed-file record (another notification of the same version is not processed again).
     */
    @Bean
    FileProcessor fileProcessor(S3AsyncClient s3, Claims claims, Thumbnailer thumbnailer,
            FileProcessorProperties properties, IdempotencyProperties settings, Clock clock, JsonMapper json) {
        return new FileProcessor(properties.bucket(), new ObjectStore(s3), new ProcessedFiles(claims, settings.lease(), clock),
                thumbnailer, properties.imageMaxBytes().toBytes(), json);
    }

    @Bean
    RouterFunction<ServerResponse> routes(FileProcessor fileProcessor, IdempotencyStore idempotency,
            IdempotencyProperties settings) {
        return CloudEventRoutes.route(fileProcessor, idempotency, settings.keepFor());
    }
}
