package dev.serverlessapp.local.sources;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

/**
 * A PingSource schedule: standard 5-field cron (the descriptors {@code @hourly} and the like too) in the
 * source's time zone, or a {@code CRON_TZ=} prefix, as Knative's ping adapter reads it.
 */
public final class PingSchedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> DESCRIPTORS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    private final String expression;
    private final ExecutionTime execution;
    private final ZoneId zone;

    private PingSchedule(String expression, ExecutionTime execution, ZoneId zone) {
        this.expression = expression;
        this.execution = execution;
        this.zone = zone;
    }

    /** Parses the schedule; an invalid one fails with a message naming the source. */
    public static PingSchedule parse(String source, String schedule, String timezone) {
        String expression = schedule == null ? "" : schedule.trim();
        String zoneId = timezone == null || timezone.isBlank() ? "UTC" : timezone;
        if (expression.startsWith("CRON_TZ=") || expression.startsWith("TZ=")) {
            int space = expression.indexOf(' ');
            zoneId = expression.substring(expression.indexOf('=') + 1, space);
            expression = expression.substring(space + 1).trim();
        }
        expression = DESCRIPTORS.getOrDefault(expression, expression);
        try {
            Cron cron = PARSER.parse(expression).validate();
            return new PingSchedule(expression, ExecutionTime.forCron(cron), ZoneId.of(zoneId));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalArgumentException("PingSource " + source + " has an invalid schedule '" + schedule
                    + "' or timezone '" + timezone + "': " + e.getMessage(), e);
        }
    }

    /** The first tick strictly after {@code after}, in the schedule's zone. */
    public ZonedDateTime next(ZonedDateTime after) {
        return execution.nextExecution(after.withZoneSameInstant(zone))
                .orElseThrow(() -> new IllegalStateException("Schedule " + expression + " never fires again"));
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
