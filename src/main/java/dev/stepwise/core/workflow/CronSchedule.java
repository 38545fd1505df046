package dev.stepwise.core.workflow;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * One cron expression (Unix, 5 fields) read in one time zone, by cron-utils: the slots it names,
 * correct across DST changes (a local time that does not exist is skipped, one that occurs twice
 * fires once).
 */
final class CronSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private final ExecutionTime times;
    private final ZoneId zone;

    private CronSchedule(ExecutionTime times, ZoneId zone) {
        this.times = times;
        this.zone = zone;
    }

    /** The schedule, or a problem naming what is wrong. */
    sealed interface Parsed permits Ok, Bad {
    }

    record Ok(CronSchedule schedule) implements Parsed {
    }

    record Bad(String problem) implements Parsed {
    }

    static Parsed parse(String cron, String timeZone) {
        ZoneId zone;
        try {
            zone = timeZone == null || timeZone.isBlank() ? ZoneOffset.UTC : ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            return new Bad("unknown time zone '" + timeZone + "'");
        }
        try {
            return new Ok(new CronSchedule(ExecutionTime.forCron(PARSER.parse(cron.trim())), zone));
        } catch (IllegalArgumentException | NullPointerException e) {
            return new Bad("invalid cron '" + cron + "': " + e.getMessage());
        }
    }

    /** The first slot strictly after {@code t}, if the expression names any. */
    Optional<Instant> next(Instant t) {
        return times.nextExecution(t.atZone(zone)).map(z -> z.toInstant());
    }
}
