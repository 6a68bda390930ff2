package dev.serverlessapp.email;

import dev.serverlessapp.support.problem.PermanentFailure;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * Sends mail through Amazon SES v2 with the async SDK client: no thread waits for SES. SES builds the
 * multipart/alternative message from the text and HTML parts.
 */
public class SesTransport implements MailTransport {

    private final SesV2AsyncClient ses;
    private final String from;

    public SesTransport(SesV2AsyncClient ses, String from) {
        this.ses = ses;
        this.from = from;
    }

    @Override
    public Mono<Void> send(Mail mail) {
        return Mono.fromFuture(() -> ses.sendEmail(request(mail)))
                .onErrorMap(MessageRejectedException.class, rejected -> rejected("SES rejected the mail", rejected))
                .onErrorMap(BadRequestException.class, bad -> rejected("SES refused the request", bad))
                // Throttling, 5xx and unreachable SES answer 503 through function-support's Problems.
                .then();
    }

    SendEmailRequest request(Mail mail) {
        return SendEmailRequest.builder()
                .fromEmailAddress(from)
                .destination(d -> d.toAddresses(mail.to()))
                .content(c -> c.simple(m -> m
                        .subject(utf8(mail.subject()))
                        .body(Body.builder().text(utf8(mail.text())).html(utf8(mail.html())).build())))
                .build();
    }

    private static Content utf8(String data) {
        return Content.builder().data(data).charset("UTF-8").build();
    }

    private static PermanentFailure rejected(String title, Exception error) {
        return new PermanentFailure(HttpStatus.UNPROCESSABLE_ENTITY, title, error.getMessage(), error);
    }
}
