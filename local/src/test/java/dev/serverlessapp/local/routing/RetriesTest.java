package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetriesTest {

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 404, 408, 409, 429})
    void knativeRetriesServerErrorsAndTheseClientErrors(int status) {
        assertThat(Retries.isRetryable(status)).isTrue();
        assertThat(Retries.isSuccess(status)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 405, 410, 413, 415, 422})
    void otherClientErrorsGoStraightToTheDeadLetterSink(int status) {
        assertThat(Retries.isRetryable(status)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 202, 204})
    void twoHundredsAreDelivered(int status) {
        assertThat(Retries.isSuccess(status)).isTrue();
    }
}
