package dev.serverlessapp.workloads;

import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.AwsTestClients;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.SmtpCatcher;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The backends every function finds up when it wakes: dynalite, ElasticMQ, S3Proxy and an SMTP
 * catcher from the backends module, with the queue, the bucket and the uploads the requests name. Each
 * launch gets a fresh table, so no launch finds the work of another already done.
 */
public final class Fixtures {

    public record Upload(String bucket, String key, long size, String eTag) {
    }

    private static final String BUCKET = "bench-uploads";

    private final LocalBackends backends = LocalBackends.shared();
    private final AwsTestClients clients = backends.clients();
    private final AtomicInteger tables = new AtomicInteger();
    private final List<Upload> uploads = new ArrayList<>();
    private String emailQueueUrl;
    private SmtpCatcher smtp;

    /** Starts the backends and puts {@code uploadCount} small images in the bucket. */
    public void start(int uploadCount) {
        backends.dynamoDbEndpoint();
        emailQueueUrl = clients.createQueue("bench-email");
        clients.createBucket(BUCKET);
        smtp = backends.smtp();
        byte[] png = png();
        var s3 = clients.s3();
        for (int n = 0; n < uploadCount; n++) {
            String key = "bench/image-" + n + ".png";
            String eTag = s3.putObject(put -> put.bucket(BUCKET).key(key).contentType("image/png"),
                    RequestBody.fromBytes(png)).eTag().replace("\"", "");
            uploads.add(new Upload(BUCKET, key, png.length, eTag));
        }
    }

    /** A new, empty app table; answers its name. */
    public String freshTable() {
        String name = "bench-" + tables.incrementAndGet();
        clients.createTable(AppTable.createTableRequest(name));
        return name;
    }

    /** What every function reads, pointed at the local backends; credentials come by the SDK's default chain. */
    public Map<String, String> environment(String table) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", Backends.REGION);
        env.put("AWS_ACCESS_KEY_ID", Backends.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", Backends.SECRET_KEY);
        env.put("AWS_ENDPOINT_URL_DYNAMODB", backends.dynamoDbEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_SQS", backends.sqsEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", backends.s3Endpoint().toString());
        env.put("AWS_S3_FORCE_PATH_STYLE", "true");
        env.put("DYNAMODB_TABLE", table);
        return env;
    }

    public Upload upload(int n) {
        return uploads.get(n % uploads.size());
    }

    public String emailQueueUrl() {
        return emailQueueUrl;
    }

    public String bucket() {
        return BUCKET;
    }

    public int smtpPort() {
        return smtp.port();
    }

    /** Drops caught mail between launches, so the catcher does not grow through the run. */
    public void clearMail() {
        smtp.clear();
    }

    private static byte[] png() {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 640; x++) {
            for (int y = 0; y < 480; y++) {
                image.setRGB(x, y, (x * 31 + y * 17) & 0xFFFFFF);
            }
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
