package dev.serverlessapp.support.table;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Bound from {@code DYNAMODB_TABLE} and {@code DYNAMODB_CREATE_TABLE}, with their defaults, by function-defaults.yaml.
 *
 * @param name            the app table ({@code DYNAMODB_TABLE})
 * @param createIfMissing create it at start-up, for local runs and tests ({@code DYNAMODB_CREATE_TABLE});
 *                        in a cluster the table is provisioned beforehand
 * @param createTimeout   how long start-up waits for a table it created to become ACTIVE
 */
@ConfigurationProperties("app.table")
public record TableProperties(
        String name,
        boolean createIfMissing,
        Duration createTimeout) {
}
