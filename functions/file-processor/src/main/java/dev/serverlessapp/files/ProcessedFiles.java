package dev.serverlessapp.files;

import dev.serverlessapp.support.claim.Claim;
import dev.serverlessapp.support.claim.ClaimRequest;
import dev.serverlessapp.support.claim.Claims;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.contract.FileVersionItem;
import dev.serverlessapp.contract.Table;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The processed-file items in the app table: this function's business key. One item per object
 * version ({@code FILE#<bucket>/<key>} / {@code VERSION#<version>}) is at once the claim on processing
 * that version (function-support's claim mechanism, permanent) and, once completed, the record of
 * what it was processed into. So a version is processed once however many notifications name it: a
 * second notification while it is being processed waits for it, and one that comes later gets the
 * record. A completed item is filed under its hour in the {@code activity} index
 * ({@code FILE_PROCESSED#<hour>}) for the hourly report.
 */
class ProcessedFiles {

    private final Claims claims;
    private final Duration lease;
    private final Clock clock;

    ProcessedFiles(Claims claims, Duration lease, Clock clock) {
        this.claims = claims;
        this.lease = lease;
        this.clock = clock;
    }

    /** The output of a version processed before, or empty: the record is read, S3 is not. */
    Mono<ProcessedFile> find(Upload upload) {
        return claims.read(key(upload))
                .flatMap(found -> Mono.justOrEmpty(found.filter(Claim::isCompleted)))
                .map(ProcessedFiles::output);
    }

    /**
     * Processes the version unless it was processed before, and answers its output. Empty when
     * {@code process} wrote nothing (the upload was gone): then nothing is recorded, and a later
     * notification of the same version looks again.
     */
    Mono<ProcessedFile> once(Upload upload, Mono<ProcessedFile> process) {
        ClaimRequest version = ClaimRequest.of(upload.fileKey(), FileVersionItem.sk(upload.version())).leasedFor(lease);
        return claims.once(version, found -> { }, mine -> process.map(output -> record(upload, output)))
                .map(ProcessedFiles::output);
    }

    private Map<String, AttributeValue> record(Upload upload, ProcessedFile output) {
        Instant processedAt = clock.instant();
        return Map.of(
                FileVersionItem.OUTPUT_KEY, s(output.key()),
                FileVersionItem.SIZE, AttributeValue.fromN(Long.toString(output.size())),
                FileVersionItem.CONTENT_TYPE, s(output.contentType()),
                FileVersionItem.SHA256, s(output.sha256()),
                FileVersionItem.KIND, s(output.kind()),
                FileVersionItem.PROCESSED_AT, s(processedAt.toString()),
                Table.ACTIVITY_PK, s(FileVersionItem.processedIn(processedAt)),
                // Only counted, never read back.
                Table.ACTIVITY_SK, s(FileVersionItem.activitySk(IdempotencyStore.sha256(upload.fileKey() + "#" + upload.version()))));
    }

    private static Claim.Key key(Upload upload) {
        return new Claim.Key(upload.fileKey(), FileVersionItem.sk(upload.version()));
    }

    private static ProcessedFile output(Claim done) {
        return new ProcessedFile(done.string(FileVersionItem.OUTPUT_KEY),
                Long.parseLong(done.attributes().get(FileVersionItem.SIZE).n()),
                done.string(FileVersionItem.CONTENT_TYPE), done.string(FileVersionItem.SHA256), done.string(FileVersionItem.KIND));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
