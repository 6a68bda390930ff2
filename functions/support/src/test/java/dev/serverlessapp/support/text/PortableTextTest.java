package dev.serverlessapp.support.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortableTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"Ada Lovelace", "Ｊｏｓé 🙂", "O'Brien-Smith", "李小龙", "a\u0301"})
    void ordinaryTextTravels(String text) {
        assertThat(PortableText.singleLineProblem(text)).isEmpty();
        assertThat(PortableText.multiLineProblem(text)).isEmpty();
    }

    // guards the seed-found poison: a lone surrogate got 201, then SQS refused the welcome for good
    @ParameterizedTest
    @ValueSource(strings = {"\ud800x", "x\udfff", "\ud83d", "a\uffffb", "a\ufffe", "nul\u0000", "bell\u0007",
            "del\u007f", "c1\u0085", "ls\u2028"})
    void textThatCannotTravelIsNamed(String text) {
        assertThat(PortableText.singleLineProblem(text)).isPresent();
        assertThat(PortableText.multiLineProblem(text)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"two\nlines", "cr\r", "tab\there"})
    void lineBreaksTravelOnlyInMultiLineText(String text) {
        assertThat(PortableText.singleLineProblem(text)).isPresent();
        assertThat(PortableText.multiLineProblem(text)).isEmpty();
    }
}
