package dev.serverlessapp.files;

import dev.serverlessapp.support.cloudevents.CloudEventRoutes;
import dev.serverlessapp.support.idempotency.IdempotencyProperties;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.table.TableProperties;
import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import tools.jackson.databind.json.JsonMapper;

/** The file-processor function: S3 upload notifications in, {@code processed/} objects and events out. */
@SpringBootApplication
@EnableConfigurationProperties(FileProcessorProperties.class)
public class FileProcessorApplication {

    public static void main(String[] args) {
        SpringApplication.run(FileProcessorApplication.class, args);
    }

    @Bean
    Thumbnailer thumbnailer(FileProcessorProperties properties) {
        return new Thumbnailer(properties);
    }

    @Bean
    FileProcessor fileProcessor(S3AsyncClient s3, DynamoDbAsyncClient dynamo, TableProperties table,
            Thumbnailer thumbnailer, FileProcessorProperties properties, IdempotencyStore idempotency,
            IdempotencyProperties settings, Clock clock, JsonMapper json) {
        return new FileProcessor(new ObjectStore(s3), new ProcessedFiles(dynamo, table.name()), thumbnailer,
                properties.imageMaxBytes().toBytes(), idempotency, settings.keepFor(), clock, json);
    }

    @Bean
    RouterFunction<ServerResponse> routes(FileProcessor fileProcessor, IdempotencyStore idempotency,
            IdempotencyProperties settings) {
        return CloudEventRoutes.route(fileProcessor, idempotency, settings.keepFor());
    }
}
