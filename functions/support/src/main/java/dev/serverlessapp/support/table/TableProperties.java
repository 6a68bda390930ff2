package dev.serverlessapp.support.table;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param name            the app table ({@code DYNAMODB_TABLE})
 * @param createIfMissing create it at start-up, for local runs and tests ({@code DYNAMODB_CREATE_TABLE});
 *                        in a cluster the table is provisioned beforehand
 */
@ConfigurationProperties("app.table")
public record TableProperties(
        @DefaultValue("serverless-app") String name,
        @DefaultValue("false") boolean createIfMissing,
        @DefaultValue("PT60S") Duration createTimeout) {
}
