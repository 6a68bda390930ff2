package dev.serverlessapp.support.aws;

import java.net.URI;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The async AWS clients, built once from {@link AwsProperties}, sharing one HTTP client. Only the
 * services a function has on its class path get a client. Retries follow the SDK's standard policy,
 * within a whole-call timeout (not for S3, whose calls stream whole objects), so that a hung backend
 * becomes a 503 that is retried rather than a request that hangs.
 */
@AutoConfiguration
@EnableConfigurationProperties(AwsProperties.class)
public class AwsClientsConfiguration {

    @Bean(destroyMethod = "close")
    SdkAsyncHttpClient awsHttpClient() {
        return NettyNioAsyncHttpClient.builder().build();
    }

    @Bean
    AwsCredentialsProvider awsCredentials(AwsProperties aws) {
        return aws.hasStaticCredentials()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(aws.accessKeyId(), aws.secretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
    }

    @Bean(destroyMethod = "close")
    DynamoDbAsyncClient dynamoDbAsyncClient(AwsProperties aws, AwsCredentialsProvider credentials,
            SdkAsyncHttpClient http) {
        return configure(DynamoDbAsyncClient.builder(), "dynamodb", aws, credentials, http)
                .overrideConfiguration(o -> o.apiCallTimeout(aws.apiCallTimeout())).build();
    }

    static <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B configure(
            B builder, String service, AwsProperties aws, AwsCredentialsProvider credentials, SdkAsyncHttpClient http) {
        builder.region(Region.of(aws.region())).credentialsProvider(credentials).httpClient(http);
        URI endpoint = aws.endpointFor(service);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SqsAsyncClient.class)
    static class Sqs {
        @Bean(destroyMethod = "close")
        SqsAsyncClient sqsAsyncClient(AwsProperties aws, AwsCredentialsProvider credentials, SdkAsyncHttpClient http) {
            return configure(SqsAsyncClient.builder(), "sqs", aws, credentials, http)
                    .overrideConfiguration(o -> o.apiCallTimeout(aws.apiCallTimeout())).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(S3AsyncClient.class)
    static class S3 {
        @Bean(destroyMethod = "close")
        S3AsyncClient s3AsyncClient(AwsProperties aws, AwsCredentialsProvider credentials, SdkAsyncHttpClient http) {
            return configure(S3AsyncClient.builder(), "s3", aws, credentials, http)
                    .forcePathStyle(aws.s3PathStyle())
                    // S3-compatible stores (S3Proxy, MinIO, Ceph) reject the SDK's default upload
                    // checksums; send them only where S3 requires them.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SesV2AsyncClient.class)
    static class Ses {
        @Bean(destroyMethod = "close")
        SesV2AsyncClient sesV2AsyncClient(AwsProperties aws, AwsCredentialsProvider credentials,
                SdkAsyncHttpClient http) {
            return configure(SesV2AsyncClient.builder(), "sesv2", aws, credentials, http)
                    .overrideConfiguration(o -> o.apiCallTimeout(aws.apiCallTimeout())).build();
        }
    }
}
