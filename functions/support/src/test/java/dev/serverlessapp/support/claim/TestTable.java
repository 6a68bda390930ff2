package dev.serverlessapp.support.claim;

import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A fresh app table on dynalite, the async client the functions use, and a clock the test moves. */
public final class TestTable {

    public final String name = "claims-" + UUID.randomUUID();
    public final DynamoDbAsyncClient dynamo;
    public final MovableClock clock = new MovableClock(Instant.now());

    public TestTable() {
        LocalBackends backends = LocalBackends.shared();
        backends.clients().createTable(AppTable.createTableRequest(name));
        dynamo = DynamoDbAsyncClient.builder()
                .region(Region.of(Backends.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Backends.ACCESS_KEY, Backends.SECRET_KEY)))
                .endpointOverride(backends.dynamoDbEndpoint())
                .build();
    }

    public Map<String, AttributeValue> item(String pk, String sk) {
        return LocalBackends.shared().clients().dynamo().getItem(get -> get.tableName(name).consistentRead(true)
                .key(Map.of(Table.PK, AttributeValue.fromS(pk), Table.SK, AttributeValue.fromS(sk)))).item();
    }

    public void put(Map<String, AttributeValue> item) {
        LocalBackends.shared().clients().dynamo().putItem(put -> put.tableName(name).item(item));
    }

    /** A clock that stands still until the test moves it: leases lapse when the test says so. */
    public static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        public void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
