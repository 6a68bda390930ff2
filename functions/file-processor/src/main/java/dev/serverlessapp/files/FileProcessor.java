package dev.serverlessapp.files;

import dev.serverlessapp.contract.Events;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.serverlessapp.support.cloudevents.CloudEventFunction;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.problem.PermanentFailure;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import tools.jackson.databind.json.JsonMapper;

/**
 * The function: for each upload an S3 notification names, writes {@code processed/<key>} (a thumbnail
 * for an image, else a copy), records it in the app table, and replies with a
 * {@code dev.serverlessapp.file.processed} event. The records of one event are processed one after
 * the other, so memory does not grow with the batch.
 */
class FileProcessor implements CloudEventFunction {

    static final URI REPLY_SOURCE = URI.create(Events.replySource("file-processor"));

    /** What the name or content type of an upload must say for it to be decoded as an image. */
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp");
    private static final Set<String> IMAGE_TYPES = Set.of(
            "image/png", "image/jpeg", "image/jpg", "image/gif", "image/bmp", "image/x-ms-bmp");

    private static final Logger log = LoggerFactory.getLogger(FileProcessor.class);

    private final String bucket;
    private final ObjectStore store;
    private final ProcessedFiles processed;
    private final Thumbnailer thumbnailer;
    private final long imageMaxBytes;
    private final JsonMapper json;

    FileProcessor(String bucket, ObjectStore store, ProcessedFiles processed, Thumbnailer thumbnailer, long imageMaxBytes,
            JsonMapper json) {
        this.bucket = bucket;
        this.store = store;
        this.processed = processed;
        this.thumbnailer = thumbnailer;
        this.imageMaxBytes = imageMaxBytes;
        this.json = json;
    }

    /** The reply's data: the upload and what was written for it (the contract in README). */
    record FileProcessed(String bucket, String key, long size, List<ProcessedFile> outputs,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FileProcessed> others) {
    }

    @Override
    public Mono<CloudEvent> apply(CloudEvent event) {
        return Mono.fromCallable(() -> Uploads.from(event, bucket))
                .flatMapMany(Flux::fromIterable)
                .concatMap(this::processOnce)
                .collectList()
                .filter(done -> !done.isEmpty())
                .map(this::reply);
    }

    private record Done(Upload upload, ProcessedFile output) {
        FileProcessed described() {
            return new FileProcessed(upload.bucket(), upload.key(), upload.size(), List.of(output), List.of());
        }
    }

    /**
     * The business key: a version already processed is answered from its record, without reading S3
     * again. Otherwise the upload is processed as the store holds it.
     */
    private Mono<Done> processOnce(Upload notified) {
        return alreadyProcessed(notified).switchIfEmpty(Mono.defer(() -> processStored(notified)));
    }

    /**
     * Processes the upload as the store holds it ({@link Upload#asStored}), if the store still holds the
     * notified bytes, once per version: the version's claim is its processed-file record. When the
     * store knows the upload by another version than the notification named (by its ETag, where it
     * keeps no versions), that version is the one claimed. Two notifications of one version may arrive
     * at once (S3 delivers at least once, the SQS source in parallel): the second waits for the first's
     * record (README: Processing uploads).
     */
    private Mono<Done> processStored(Upload notified) {
        return store.head(notified)
                .flatMap(seen -> notified.asStored(seen.versionId(), seen.eTag())
                        .map(upload -> processed.once(upload, Mono.defer(() -> processAndLog(upload, seen)))
                                .map(output -> new Done(upload, output)))
                        // Overwritten since: the newer object has its own notification to come.
                        .orElseGet(() -> skipped(notified, "the store holds other bytes now (ETag " + seen.eTag() + ")")))
                // Deleted or replaced before we got to it: nothing to do, and a retry would not help. The
                // version's claim was released, so a later notification of it looks again.
                .onErrorResume(FileProcessor::isGone, gone -> skipped(notified, "it is gone (" + gone.getMessage() + ")"))
                .onErrorMap(FileProcessor::isRefused, refused -> new PermanentFailure("Upload S3 will not read",
                        "S3 refused to read " + notified + ": " + refused.getMessage(), refused));
    }

    private static Mono<Done> skipped(Upload upload, String why) {
        log.info("Skipped {}: {}", upload, why);
        return Mono.empty();
    }

    private Mono<Done> alreadyProcessed(Upload upload) {
        return processed.find(upload)
                .doOnNext(output -> log.info("Already processed {} into {}", upload, output.key()))
                .map(output -> new Done(upload, output));
    }

    private Mono<ProcessedFile> processAndLog(Upload upload, HeadObjectResponse seen) {
        return process(upload, seen)
                .doOnNext(output -> log.info("Processed {} into {} ({}, {} bytes)",
                        upload, output.key(), output.kind(), output.size()));
    }

    /** Every read is pinned to what the HEAD saw: the version, or the ETag where the store keeps none. */
    private Mono<ProcessedFile> process(Upload upload, HeadObjectResponse seen) {
        if (!isImage(upload.key(), seen.contentType())) {
            return store.copy(upload, seen, upload.outputKey());
        }
        if (seen.contentLength() > imageMaxBytes) {
            log.warn("Copying {} instead of decoding it: {} bytes is above IMAGE_MAX_BYTES", upload, seen.contentLength());
            return store.copy(upload, seen, upload.outputKey());
        }
        return thumbnailOrCopy(upload, seen);
    }

    private Mono<ProcessedFile> thumbnailOrCopy(Upload upload, HeadObjectResponse seen) {
        return store.open(upload, seen)
                .flatMap(image -> thumbnailer.thumbnail(image, upload.toString()))
                .flatMap(thumbnail -> store.put(upload.bucket(), upload.outputKey(), thumbnail.bytes(),
                        thumbnail.contentType(), ProcessedFile.THUMBNAIL))
                .switchIfEmpty(Mono.defer(() -> store.copy(upload, seen, upload.outputKey())));
    }

    static boolean isImage(String key, String contentType) {
        String extension = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return IMAGE_TYPES.contains(type) || (key.contains(".") && IMAGE_EXTENSIONS.contains(extension));
    }

    /** 404: deleted. 412: replaced between our reads (the reads are pinned to the ETag first seen). */
    private static boolean isGone(Throwable error) {
        return error instanceof S3Exception s3 && (s3.statusCode() == 404 || s3.statusCode() == 412);
    }

    /** 400: S3 calls what the notification names a bad request (a malformed version id); no retry mends it. */
    private static boolean isRefused(Throwable error) {
        return error instanceof S3Exception s3 && s3.statusCode() == 400;
    }

    /**
     * One reply per event. S3 puts one record in each message, so {@code others} is normally absent;
     * when a message names several uploads they are listed there, in the same shape.
     * The id is derived from the object versions, so a redelivery, or another notification of the
     * same versions, replies the same event, and subscribers can drop the repeat by source and id.
     */
    private CloudEvent reply(List<Done> done) {
        FileProcessed first = done.getFirst().described();
        FileProcessed data = new FileProcessed(first.bucket(), first.key(), first.size(), first.outputs(),
                done.subList(1, done.size()).stream().map(Done::described).toList());
        String versions = done.stream()
                .map(each -> each.upload().fileKey() + "#" + each.upload().version())
                .collect(Collectors.joining("\n"));
        return CloudEventBuilder.v1()
                .withId(IdempotencyStore.sha256(versions))
                .withSource(REPLY_SOURCE)
                .withType(Events.FILE_PROCESSED)
                .withSubject(first.key())
                .withData("application/json", json.writeValueAsBytes(data))
                .build();
    }
}
