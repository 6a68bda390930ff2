package dev.serverlessapp.files;

import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.table.AppTable;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The processed-file items in the app table: this function's business key. One item per object
 * version ({@code FILE#<bucket>/<key>} / {@code VERSION#<version>}) says it was processed and into
 * what, so a version is processed once however many notifications name it. Each item is filed under
 * its hour in the {@code activity} index ({@code FILE_PROCESSED#<hour>}) for the hourly report.
 */
class ProcessedFiles {

    private final DynamoDbAsyncClient dynamo;
    private final String table;

    ProcessedFiles(DynamoDbAsyncClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** The output of an upload already processed, or empty. */
    Mono<ProcessedFile> find(Upload upload) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).key(key(upload)).consistentRead(true)))
                .filter(found -> found.hasItem() && !found.item().isEmpty())
                .map(found -> {
                    Map<String, AttributeValue> item = found.item();
                    return new ProcessedFile(item.get("outputKey").s(), Long.parseLong(item.get("size").n()),
                            item.get("contentType").s(), item.get("sha256").s(), item.get("kind").s());
                });
    }

    /**
     * Records that the upload was processed. A concurrent duplicate may have recorded it first; its
     * output is the same bytes, so the first record stands.
     */
    Mono<Void> record(Upload upload, ProcessedFile output, Instant processedAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(upload));
        item.put("outputKey", s(output.key()));
        item.put("size", AttributeValue.fromN(Long.toString(output.size())));
        item.put("contentType", s(output.contentType()));
        item.put("sha256", s(output.sha256()));
        item.put("kind", s(output.kind()));
        item.put("processedAt", s(processedAt.toString()));
        item.put(AppTable.ACTIVITY_PK, s("FILE_PROCESSED#" + AppTable.hour(processedAt)));
        // Only counted, never read back; hashed, because bucket, key and version together can exceed the
        // 1024 bytes an index sort key may hold.
        item.put(AppTable.ACTIVITY_SK, s("FILE#" + IdempotencyStore.sha256(upload.fileKey() + "#" + upload.version())));
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(pk)")))
                .then()
                .onErrorResume(ConditionalCheckFailedException.class, alreadyRecorded -> Mono.empty());
    }

    private static Map<String, AttributeValue> key(Upload upload) {
        return Map.of(AppTable.PK, s(upload.fileKey()), AppTable.SK, s("VERSION#" + upload.version()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
