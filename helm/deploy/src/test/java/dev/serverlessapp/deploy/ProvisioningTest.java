package dev.serverlessapp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlessapp.contract.BucketLayout;
import dev.serverlessapp.deploy.ack.Bucket;
import dev.serverlessapp.deploy.ack.Queue;
import dev.serverlessapp.deploy.ack.Role;
import dev.serverlessapp.deploy.ack.Table;
import dev.serverlessapp.support.table.AppTable;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

class ProvisioningTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Manifests production = ChartFixtures.render(ChartFixtures.production());

    @Test
    void nothingOfAwsIsCreatedByDefault() {
        Manifests defaults = ChartFixtures.render(Map.of());

        assertThat(defaults.ofType(Table.class)).isEmpty();
        assertThat(defaults.ofType(Queue.class)).isEmpty();
        assertThat(defaults.ofType(Bucket.class)).isEmpty();
        assertThat(defaults.ofType(Role.class)).isEmpty();
    }

    @Test
    void provisionedTableIsTheOneAppTableCreates() {
        Table.Spec table = production.ofType(Table.class).getFirst().getSpec();
        CreateTableRequest expected = AppTable.createTableRequest("serverless-app");

        assertThat(table.tableName()).isEqualTo(expected.tableName());
        assertThat(table.billingMode()).isEqualTo(expected.billingModeAsString());
        assertThat(table.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType())
                .containsExactlyElementsOf(expected.keySchema().stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList());
        assertThat(table.attributeDefinitions()).extracting(a -> a.attributeName() + ":" + a.attributeType())
                .containsExactlyInAnyOrderElementsOf(expected.attributeDefinitions().stream()
                        .map(a -> a.attributeName() + ":" + a.attributeTypeAsString()).toList());
        assertThat(table.globalSecondaryIndexes().stream().collect(Collectors.toMap(Table.GlobalSecondaryIndex::indexName,
                i -> i.keySchema().stream().map(Table.KeySchemaElement::attributeName).toList() + " " + i.projection().projectionType())))
                .isEqualTo(expected.globalSecondaryIndexes().stream().collect(Collectors.toMap(i -> i.indexName(),
                        i -> i.keySchema().stream().map(k -> k.attributeName()).toList() + " " + i.projection().projectionTypeAsString())));
        assertThat(table.timeToLive().attributeName()).isEqualTo(dev.serverlessapp.contract.Table.EXPIRES_AT);
    }

    @Test
    void queuesRedriveToTheirOwnDeadLetterQueueAndOnlyTheBucketMayNotifyUploads() throws IOException {
        Map<String, Queue.Spec> queues = production.ofType(Queue.class).stream()
                .collect(Collectors.toMap(q -> q.getSpec().queueName(), Queue::getSpec));

        assertThat(queues).containsOnlyKeys("serverless-app-email", "serverless-app-email-dlq", "serverless-app-uploads",
                "serverless-app-uploads-dlq", "serverless-app-dead-letters");
        JsonNode redrive = JSON.readTree(queues.get("serverless-app-email").redrivePolicy());
        assertThat(redrive.path("deadLetterTargetArn").asText()).isEqualTo("arn:aws:sqs:eu-west-1:123456789012:serverless-app-email-dlq");
        assertThat(redrive.path("maxReceiveCount").asInt()).isEqualTo(5);
        JsonNode policy = JSON.readTree(queues.get("serverless-app-uploads").policy()).path("Statement").get(0);
        assertThat(policy.path("Principal").path("Service").asText()).isEqualTo("s3.amazonaws.com");
        assertThat(policy.path("Condition").path("ArnEquals").path("aws:SourceArn").asText()).isEqualTo("arn:aws:s3:::serverless-app-files");

        Bucket.QueueConfiguration notification = production.ofType(Bucket.class).getFirst().getSpec().notification().queueConfigurations().getFirst();
        assertThat(notification.queueArn()).isEqualTo("arn:aws:sqs:eu-west-1:123456789012:serverless-app-uploads");
        assertThat(notification.events()).containsExactly("s3:ObjectCreated:*");
        // By default only uploads/ is announced: processed/ and reports/ never reach file-processor.
        assertThat(notification.filter().key().filterRules()).extracting(r -> r.name() + "=" + r.value())
                .containsExactly("prefix=" + BucketLayout.UPLOADS);
    }

    @Test
    void eachRoleTrustsOnlyItsOwnServiceAccount() throws IOException {
        for (Role role : production.ofType(Role.class)) {
            String function = role.getMetadata().getName().replaceFirst("-role$", "");
            JsonNode trust = JSON.readTree(role.getSpec().assumeRolePolicyDocument()).path("Statement").get(0);

            assertThat(trust.path("Action").asText()).isEqualTo("sts:AssumeRoleWithWebIdentity");
            assertThat(trust.path("Condition").path("StringEquals")
                    .path("oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub").asText())
                    .isEqualTo("system:serviceaccount:serverless-app:" + function);
            assertThat(role.getSpec().inlinePolicies()).containsOnlyKeys(function);
        }
        assertThat(production.ofType(Role.class)).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-api", "email-worker", "file-processor", "scheduled-tasks", "eventing"})
    void policyDocumentsGrantNamedActionsOnTheAppsOwnResourcesOnly(String name) throws IOException {
        JsonNode policy = JSON.readTree(Files.readString(ChartFixtures.CHART.resolve("iam/" + name + ".json")));

        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        for (JsonNode statement : policy.path("Statement")) {
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            statement.path("Action").forEach(action -> assertThat(action.asText()).as("no wildcard actions").doesNotContain("*"));
            var resources = statement.path("Resource").isArray() ? statement.path("Resource") : JSON.createArrayNode().add(statement.path("Resource"));
            resources.forEach(resource -> assertThat(resource.asText()).as("resources of this app only")
                    .matches("arn:aws:[a-z0-9]+:[^:]*:[^:]*:.*\\$\\{(TABLE|BUCKET|EMAIL_QUEUE|UPLOADS_QUEUE|DEAD_LETTER_QUEUE)}.*|"
                            + "arn:aws:ses:\\$\\{REGION}:\\$\\{ACCOUNT_ID}:identity/\\*"));
        }
    }
}
