package dev.serverlessapp.scheduled;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** One part of the hourly job. It works hour by hour, and its cursor remembers the last hour done. */
interface HourlyTask {

    /** The attribute of the job cursor that holds this task's last finished hour. */
    String cursor();

    /** The hours this run works on, oldest first. */
    List<Instant> hours(Optional<Instant> lastDone, Instant now, int catchupHours);

    /** Does the work for one hour. Running it again for the same hour changes nothing more. */
    Mono<Void> run(Instant hour, Instant now);
}
