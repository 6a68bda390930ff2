package dev.serverlessapp.peers.quarkus;

import io.quarkus.funqy.Funq;
import java.util.Map;

/** Takes any CloudEvent with a JSON object for data, as the benchmark's floor does: no work, just the answer. */
public class Events {

    @Funq
    public void handle(Map<String, Object> data) {
    }
}
