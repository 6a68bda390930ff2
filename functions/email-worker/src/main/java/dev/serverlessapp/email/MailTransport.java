package dev.serverlessapp.email;

import reactor.core.publisher.Mono;

/**
 * Hands a mail to the mail service. Fails with a {@link dev.serverlessapp.support.problem.PermanentFailure}
 * when the service refuses the mail for good (an unknown recipient), and with a
 * {@link dev.serverlessapp.support.problem.TransientFailure} when it may accept it later.
 */
public interface MailTransport {

    Mono<Void> send(Mail mail);
}
