package dev.serverlessapp.email;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Sends the mails queued on the email queue, which Knative delivers as SQS-source CloudEvents. */
@SpringBootApplication(proxyBeanMethods = false)
@ConfigurationPropertiesScan
public class EmailWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(EmailWorkerApplication.class, args);
    }
}
