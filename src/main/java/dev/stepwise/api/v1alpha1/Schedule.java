package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.LinkedHashMap;
import java.util.Map;

/** A cron trigger of a Workflow: each slot starts one Run, named from the slot's time. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Schedule {

    @JsonPropertyDescription("Cron expression, 5 fields (minute hour day-of-month month day-of-week), e.g. 0 2 * * *.")
    @Required
    @Size(min = 1, max = 256)
    public String cron;

    @JsonPropertyDescription("IANA time zone the cron expression is read in, e.g. Europe/Prague. Default UTC.")
    @Size(max = 64)
    public String timeZone;

    @JsonPropertyDescription("Params of the Runs this schedule starts (between Run params and workflow defaults).")
    @Size(max = 100)
    public Map<String, @Size(max = Param.MAX_VALUE_LENGTH) String> params = new LinkedHashMap<>();

    @JsonPropertyDescription("How late a slot missed while the operator was down may still start, a Go-style duration. "
            + "Default: the latest missed slot always starts; older ones are skipped and counted.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String startingDeadline;

    public Schedule() {
    }

    public Schedule(String cron, String timeZone) {
        this.cron = cron;
        this.timeZone = timeZone;
    }
}
