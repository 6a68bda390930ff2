package dev.serverlessapp.support.table;

import static dev.serverlessapp.contract.Table.ACTIVITY_INDEX;
import static dev.serverlessapp.contract.Table.ACTIVITY_PK;
import static dev.serverlessapp.contract.Table.ACTIVITY_SK;
import static dev.serverlessapp.contract.Table.DUE_INDEX;
import static dev.serverlessapp.contract.Table.DUE_PK;
import static dev.serverlessapp.contract.Table.DUE_SK;
import static dev.serverlessapp.contract.Table.PK;
import static dev.serverlessapp.contract.Table.SK;

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
 * The app table as DynamoDB creates it: the keys and indexes of {@link dev.serverlessapp.contract.Table}
 * (README, "The app table"), on demand. The chart's ACK Table provisions the same (helm's ProvisioningTest).
 */
public final class AppTable {

    private AppTable() {
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
