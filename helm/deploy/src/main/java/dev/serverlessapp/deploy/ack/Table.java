package dev.serverlessapp.deploy.ack;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** ACK {@code dynamodb.services.k8s.aws/v1alpha1 Table}. */
@Group("dynamodb.services.k8s.aws")
@Version("v1alpha1")
@Kind("Table")
public class Table extends AckResource<Table.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(
            String tableName,
            String billingMode,
            List<AttributeDefinition> attributeDefinitions,
            List<KeySchemaElement> keySchema,
            List<GlobalSecondaryIndex> globalSecondaryIndexes,
            TimeToLive timeToLive) {
    }

    public record AttributeDefinition(String attributeName, String attributeType) {
    }

    public record KeySchemaElement(String attributeName, String keyType) {
    }

    public record GlobalSecondaryIndex(String indexName, List<KeySchemaElement> keySchema, Projection projection) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Projection(String projectionType, List<String> nonKeyAttributes) {
    }

    public record TimeToLive(String attributeName, Boolean enabled) {
    }
}
