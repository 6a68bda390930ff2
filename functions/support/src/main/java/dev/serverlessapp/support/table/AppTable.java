package dev.serverlessapp.support.table;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The layout of the one DynamoDB table all functions share (README, "Table layout"). Items are keyed
 * by {@code pk}/{@code sk}. Two sparse indexes file items under an hour, so the hourly job reads only
 * that hour's items and never scans the table:
 * <ul>
 *   <li>{@code activity} ({@code gsi1pk}, {@code gsi1sk}): what happened in an hour, e.g.
 *       {@code CREATED#2026-11-26T23};</li>
 *   <li>{@code due} ({@code gsi2pk}, {@code gsi2sk}): what falls due in an hour, e.g.
 *       {@code EXPIRES#2026-11-27T00} or {@code WELCOME_DUE#2026-11-27T00}.</li>
 * </ul>
 * {@code expiresAt} (epoch seconds) is the table's TTL attribute.
 */
public final class AppTable {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String ACTIVITY_INDEX = "activity";
    public static final String ACTIVITY_PK = "gsi1pk";
    public static final String ACTIVITY_SK = "gsi1sk";
    public static final String DUE_INDEX = "due";
    public static final String DUE_PK = "gsi2pk";
    public static final String DUE_SK = "gsi2sk";
    public static final String EXPIRES_AT = "expiresAt";

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

    private AppTable() {
    }

    /** The UTC hour an instant falls in, as used in index keys: {@code 2026-11-26T23}. */
    public static String hour(Instant instant) {
        return HOUR.format(instant.truncatedTo(ChronoUnit.HOURS));
    }

    /** The first hour that starts at or after the instant: what falls due "by" then. */
    public static String hourAtOrAfter(Instant instant) {
        Instant start = instant.truncatedTo(ChronoUnit.HOURS);
        return hour(start.equals(instant) ? start : start.plus(1, ChronoUnit.HOURS));
    }

    public static Instant parseHour(String hour) {
        return Instant.parse(hour + ":00:00Z");
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        string(PK), string(SK), string(ACTIVITY_PK), string(ACTIVITY_SK), string(DUE_PK), string(DUE_SK))
                .keySchema(hash(PK), range(SK))
                .globalSecondaryIndexes(
                        index(ACTIVITY_INDEX, ACTIVITY_PK, ACTIVITY_SK, ProjectionType.KEYS_ONLY),
                        index(DUE_INDEX, DUE_PK, DUE_SK, ProjectionType.ALL))
                .build();
    }

    private static GlobalSecondaryIndex index(String name, String pk, String sk, ProjectionType projection) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(hash(pk), range(sk))
                .projection(Projection.builder().projectionType(projection).build())
                .build();
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
    }

    private static KeySchemaElement range(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
    }
}
