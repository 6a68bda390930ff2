package dev.serverlessapp.local.http;

import dev.serverlessapp.testing.fuzz.ProblemOracle;

/** {@link ProblemOracle} for raw answers: an answer arrived, and an answer to HEAD, which has no body, is judged by its status and type. */
public final class DoorOracle {

    private DoorOracle() {
    }

    public static void check(String method, RawHttp.Answer answer) {
        if (answer.closedWithoutAnswer()) {
            throw new AssertionError("closed the connection without an answer");
        }
        if (method.equals("HEAD")) {
            ProblemOracle.check(answer.status(), answer.contentType(), answer.status() < 400 ? ""
                    : "{\"title\":\"\",\"status\":" + answer.status() + "}");
        } else {
            ProblemOracle.check(answer.status(), answer.contentType(), answer.body());
        }
    }
}
