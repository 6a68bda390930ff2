package dev.serverlessapp.email;

import dev.serverlessapp.support.claim.Claims;
import dev.serverlessapp.support.cloudevents.CloudEventRoutes;
import dev.serverlessapp.support.idempotency.IdempotencyProperties;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;

/** Wires the function to {@code POST /} and picks the mail transport from {@code MAIL_TRANSPORT}. */
@Configuration(proxyBeanMethods = false)
class EmailWorkerConfiguration {

    @Bean
    RouterFunction<ServerResponse> routes(EmailWorker worker, IdempotencyStore idempotency,
            IdempotencyProperties properties) {
        return CloudEventRoutes.route(worker, idempotency, properties.keepFor());
    }

    @Bean
    EmailWorker emailWorker(MailTransport transport, WelcomeTable welcomes) {
        return new EmailWorker(transport, welcomes);
    }

    /** A welcome claim's lease is the same as an event claim's: how soon a dead worker's claim is taken over. */
    @Bean
    WelcomeTable welcomeTable(Claims claims, IdempotencyProperties idempotency, Clock clock) {
        return new WelcomeTable(claims, idempotency.lease(), clock);
    }

    /** One transport, chosen at start-up; an unknown MAIL_TRANSPORT fails the start, not a send. */
    @Bean
    MailTransport mailTransport(MailProperties mail, ObjectProvider<SesV2AsyncClient> ses) {
        return switch (mail.transport()) {
            case SMTP -> new SmtpTransport(SmtpTransport.sender(mail.smtp()), mail.from(), mail.smtp().maxConcurrent());
            case SES -> new SesTransport(ses.getObject(), mail.from());
        };
    }
}
