package dev.serverlessapp.files;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.ResponsePublisher;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Reads uploads and writes outputs with the async S3 client, streaming: no object is ever held in
 * memory whole, so a 1 GiB upload is copied in a 256 MiB container.
 * <p>
 * The output's metadata (its SHA-256) goes in the PUT's headers, so it must be known before the PUT
 * starts. A copy therefore reads the upload twice: a first GET only hashes the bytes, a second GET
 * streams them into the PUT (with the Content-Length S3 needs) and hashes them again, to prove the
 * bytes written are the bytes hashed. Both reads are pinned to the version or ETag seen first, so an
 * overwrite in between fails the read instead of mixing two versions. Reading twice costs a second
 * download; the alternative (a multipart upload hashed on the fly, then a CopyObject with REPLACE
 * metadata) stores every byte twice, needs UploadPartCopy above 5 GB and leaves a window in which the
 * output exists without its metadata.
 */
class ObjectStore {

    private final S3AsyncClient s3;

    ObjectStore(S3AsyncClient s3) {
        this.s3 = s3;
    }

    /** What S3 says about the upload now, pinned to its version if the bucket is versioned. */
    Mono<HeadObjectResponse> head(Upload upload) {
        return Mono.fromFuture(() -> s3.headObject(head -> head.bucket(upload.bucket()).key(upload.key())
                .versionId(upload.isVersioned() ? upload.version() : null)));
    }

    /** The upload's bytes as a blocking stream, for the image scheduler to read. */
    Mono<InputStream> open(Upload upload, HeadObjectResponse seen) {
        return Mono.fromFuture(() -> s3.getObject(get(upload, seen), AsyncResponseTransformer.toBlockingInputStream()));
    }

    /** Copies the upload to {@code key} with its content type and SHA-256, streaming. */
    Mono<ProcessedFile> copy(Upload upload, HeadObjectResponse seen, String key) {
        String contentType = Optional.ofNullable(seen.contentType()).orElse("application/octet-stream");
        return hash(upload, seen).flatMap(sha256 -> Mono
                .fromFuture(() -> s3.getObject(get(upload, seen), AsyncResponseTransformer.toPublisher()))
                .flatMap(source -> streamInto(source, upload.bucket(), key, seen.contentLength(), contentType, sha256))
                .thenReturn(new ProcessedFile(key, seen.contentLength(), contentType, sha256, ProcessedFile.COPY)));
    }

    /** Writes a small output held in memory (a thumbnail). */
    Mono<ProcessedFile> put(String bucket, String key, byte[] bytes, String contentType, String kind) {
        String sha256 = HexFormat.of().formatHex(sha256().digest(bytes));
        return Mono.fromFuture(() -> s3.putObject(request(bucket, key, bytes.length, contentType, sha256),
                        AsyncRequestBody.fromBytes(bytes)))
                .thenReturn(new ProcessedFile(key, bytes.length, contentType, sha256, kind));
    }

    private Mono<String> hash(Upload upload, HeadObjectResponse seen) {
        return Mono.fromFuture(() -> s3.getObject(get(upload, seen), AsyncResponseTransformer.toPublisher()))
                .flatMap(body -> Flux.from(body)
                        .reduceWith(ObjectStore::sha256, (digest, buffer) -> {
                            digest.update(buffer);
                            return digest;
                        }))
                .map(digest -> HexFormat.of().formatHex(digest.digest()));
    }

    private Mono<Void> streamInto(ResponsePublisher<GetObjectResponse> source, String bucket, String key, long length,
            String contentType, String sha256) {
        MessageDigest digest = sha256();
        // The PUT pulls buffers from the GET as fast as it can send them: memory stays at a few buffers.
        Flux<ByteBuffer> bytes = Flux.from(source).doOnNext(buffer -> digest.update(buffer.duplicate()));
        return Mono.fromFuture(() -> s3.putObject(request(bucket, key, length, contentType, sha256),
                        new KnownLength(bytes, length)))
                .then(Mono.defer(() -> {
                    String written = HexFormat.of().formatHex(digest.digest());
                    return written.equals(sha256) ? Mono.<Void>empty()
                            : Mono.error(new IllegalStateException("The upload changed while it was copied"));
                }));
    }

    private static PutObjectRequest request(String bucket, String key, long length, String contentType, String sha256) {
        return PutObjectRequest.builder().bucket(bucket).key(key)
                .contentLength(length).contentType(contentType)
                .metadata(Map.of("sha256", sha256))
                .build();
    }

    private static GetObjectRequest get(Upload upload, HeadObjectResponse seen) {
        return GetObjectRequest.builder().bucket(upload.bucket()).key(upload.key())
                .versionId(upload.isVersioned() ? upload.version() : null)
                .ifMatch(seen.eTag())
                .build();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    /** A streamed body whose length is known up front, so S3 gets a Content-Length and one PUT. */
    private record KnownLength(Flux<ByteBuffer> bytes, long length) implements AsyncRequestBody {
        @Override
        public Optional<Long> contentLength() {
            return Optional.of(length);
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            bytes.subscribe(subscriber);
        }
    }
}
