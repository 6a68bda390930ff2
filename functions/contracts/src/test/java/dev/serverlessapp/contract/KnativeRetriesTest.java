package dev.serverlessapp.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KnativeRetriesTest {

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 404, 408, 409, 429})
    void knativeRetriesServerErrorsAndTheseClientErrors(int status) {
        assertThat(KnativeRetries.isRetried(status)).isTrue();
        assertThat(KnativeRetries.isSuccess(status)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 405, 410, 413, 415, 422})
    void otherClientErrorsGoStraightToTheDeadLetterSink(int status) {
        assertThat(KnativeRetries.isRetried(status)).isFalse();
        assertThat(KnativeRetries.isSuccess(status)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 202, 204})
    void twoHundredsAreDelivered(int status) {
        assertThat(KnativeRetries.isSuccess(status)).isTrue();
        assertThat(KnativeRetries.isRetried(status)).isFalse();
    }
}
