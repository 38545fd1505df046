package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.Schedule;
import dev.stepwise.api.v1alpha1.WorkflowStatus.ScheduleStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Cron slots with an injected clock: first sight, due slots, missed slots and deadlines, DST, inactivity, names. */
class ScheduleDecisionTest {

    private static Schedule cron(String cron, String zone) {
        return new Schedule(cron, zone);
    }

    /** A workflow's schedules looked at again and again, the status of each look fed to the next. */
    private static final class Clockwork {
        final List<Schedule> schedules;
        List<ScheduleStatus> states;
        boolean active = true;
        final List<ScheduleDecision.SlotRun> started = new ArrayList<>();
        ScheduleDecision.Result last;

        Clockwork(Schedule... schedules) {
            this.schedules = List.of(schedules);
        }

        ScheduleDecision.Result at(String time) {
            last = ScheduleDecision.decide("etl", schedules, states, active, Instant.parse(time));
            states = last.states();
            started.addAll(last.start());
            return last;
        }

        List<String> names() {
            return started.stream().map(ScheduleDecision.SlotRun::runName).toList();
        }
    }

    @Test
    void aScheduleCountsFromWhenItIsFirstSeenAndStartsEachSlotOnce() {
        Clockwork c = new Clockwork(cron("*/5 * * * *", null));
        ScheduleDecision.Result first = c.at("2026-11-25T10:02:30Z");
        assertThat(first.start()).isEmpty();
        assertThat(first.next()).isEqualTo(Instant.parse("2026-11-25T10:05:00Z"));
        assertThat(first.wait(Instant.parse("2026-11-25T10:02:30Z"))).isBetween(Duration.ofSeconds(150), Duration.ofSeconds(151));

        c.at("2026-11-25T10:05:00.020Z");
        c.at("2026-11-25T10:05:01Z"); // a second look at the same slot starts nothing more
        c.at("2026-11-25T10:10:00Z");
        assertThat(c.names()).containsExactly("etl-202611251005", "etl-202611251010");
        assertThat(c.last.last()).isEqualTo(Instant.parse("2026-11-25T10:10:00Z"));
        assertThat(c.states.get(0).lastScheduleTime).isEqualTo("2026-11-25T10:10:00Z");
        assertThat(c.states.get(0).nextScheduleTime).isEqualTo("2026-11-25T10:15:00Z");
        assertThat(c.states.get(0).missed).isZero();
    }

    @Test
    void afterDowntimeOnlyTheLatestMissedSlotStartsWithinItsDeadlineTheRestAreCounted() {
        Schedule s = cron("0 * * * *", null);
        s.startingDeadline = "10m";
        Clockwork c = new Clockwork(s);
        c.at("2026-11-25T09:30:00Z");
        // the operator was down from 09:30 to 13:05: slots 10, 11, 12, 13 were missed; 13:00 is 5 minutes late
        ScheduleDecision.Result r = c.at("2026-11-25T13:05:00Z");
        assertThat(c.names()).containsExactly("etl-202611251300");
        assertThat(c.states.get(0).missed).isEqualTo(3);
        assertThat(r.skipped()).singleElement().asString().contains("skipped 3 slots");

        // down again until 14:30: 14:00 is 30 minutes late, past the deadline, so it is skipped too
        ScheduleDecision.Result late = c.at("2026-11-25T14:30:00Z");
        assertThat(late.start()).isEmpty();
        assertThat(c.states.get(0).missed).isEqualTo(4);
        assertThat(c.states.get(0).lastScheduleTime).isEqualTo("2026-11-25T14:00:00Z");
        assertThat(late.next()).isEqualTo(Instant.parse("2026-11-25T15:00:00Z"));
    }

    @Test
    void withoutADeadlineTheLatestMissedSlotAlwaysStarts() {
        Clockwork c = new Clockwork(cron("0 2 * * *", null));
        c.at("2026-11-20T00:00:00Z");
        c.at("2026-11-25T12:00:00Z");
        assertThat(c.names()).containsExactly("etl-202611250200");
        assertThat(c.states.get(0).missed).isEqualTo(5);
    }

    @Test
    void timeZonesAndDaylightSavingTimeAreRespected() {
        // Europe/Prague leaves summer time on 2026-10-25: 02:00-02:59 local happens twice; 02:30 fires once
        Clockwork fallBack = new Clockwork(cron("30 2 * * *", "Europe/Prague"));
        fallBack.at("2026-10-24T12:00:00Z");
        fallBack.at("2026-10-25T00:30:00Z"); // 02:30 CEST
        fallBack.at("2026-10-25T01:30:00Z"); // 02:30 CET, the same local time again
        fallBack.at("2026-10-26T01:30:00Z"); // the next day's 02:30 CET
        assertThat(fallBack.names()).containsExactly("etl-202610250030", "etl-202610260130");

        // it enters summer time on 2026-03-29: 02:30 local does not exist that day; 9:00 local is 07:00 UTC
        Clockwork nine = new Clockwork(cron("0 9 * * *", "Europe/Prague"));
        nine.at("2026-03-27T12:00:00Z");
        nine.at("2026-03-28T08:00:00Z");
        nine.at("2026-03-29T07:00:00Z");
        assertThat(nine.names()).containsExactly("etl-202603280800", "etl-202603290700");
    }

    @Test
    void anInactiveWorkflowStartsNothingAndSlotsOfThatTimeNeverStartLater() {
        Clockwork c = new Clockwork(cron("*/10 * * * *", null));
        c.at("2026-11-25T10:00:30Z");
        c.active = false;
        assertThat(c.at("2026-11-25T10:20:00Z").next()).isNull();
        c.active = true;
        c.at("2026-11-25T10:25:00Z");
        assertThat(c.names()).isEmpty();
        c.at("2026-11-25T10:30:00Z");
        assertThat(c.names()).containsExactly("etl-202611251030");
    }

    @Test
    void severalSchedulesGetNamesOfTheirOwnAndTheirParams() {
        Schedule nightly = cron("0 2 * * *", null);
        nightly.params = Map.of("table", "orders");
        Schedule hourly = cron("0 * * * *", null);
        Clockwork c = new Clockwork(nightly, hourly);
        c.at("2026-11-25T01:30:00Z");
        c.at("2026-11-25T02:00:00Z");
        assertThat(c.names()).containsExactlyInAnyOrder("etl-202611250200", "etl-202611250200-2");
        assertThat(c.started.stream().filter(r -> r.schedule() == 0).findFirst().orElseThrow().params())
                .containsEntry("table", "orders");
        assertThat(c.last.next()).isEqualTo(Instant.parse("2026-11-25T03:00:00Z"));
    }

    @Test
    void aChangedCronStartsCountingAfresh() {
        Clockwork c = new Clockwork(cron("0 * * * *", null));
        c.at("2026-11-25T09:30:00Z");
        ScheduleDecision.Result r = ScheduleDecision.decide("etl", List.of(cron("15 * * * *", null)), c.states, true,
                Instant.parse("2026-11-25T12:00:00Z"));
        assertThat(r.start()).isEmpty();
        assertThat(r.states().get(0).since).isEqualTo("2026-11-25T12:00:00Z");
    }

    @Test
    void badCronsAndTimeZonesAreNamed() {
        assertThat(ScheduleDecision.problems(List.of(cron("61 * * * *", null), cron("0 2 * * *", "Mars/Olympus"))))
                .satisfiesExactly(
                        p -> assertThat(p).startsWith("schedules[0]: invalid cron '61 * * * *'"),
                        p -> assertThat(p).isEqualTo("schedules[1]: unknown time zone 'Mars/Olympus'"));
        assertThat(ScheduleDecision.problems(List.of(cron("0 2 * * 1-5", "America/New_York")))).isEmpty();
    }

    @Test
    void underForbidASlotDueWhileARunOfTheWorkflowRunsIsSkippedAndCounted() {
        List<Schedule> hourly = List.of(cron("0 * * * *", null));
        ScheduleDecision.Result seen = ScheduleDecision.decide("etl", hourly, null, true, Instant.parse("2026-11-25T09:30:00Z"));
        ScheduleDecision.Result busy = ScheduleDecision.decide("etl", hourly, seen.states(), true,
                Instant.parse("2026-11-25T10:00:00Z"), java.util.Set.of("etl-manual-1"));
        assertThat(busy.start()).isEmpty();
        assertThat(busy.states().get(0).forbidden).isEqualTo(1);
        assertThat(busy.states().get(0).lastScheduleTime).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(busy.skipped()).singleElement().asString().contains("concurrencyPolicy Forbid");
        // the slot's own Run (created a moment ago) does not block its slot; nothing else runs at 11:00
        ScheduleDecision.Result own = ScheduleDecision.decide("etl", hourly, seen.states(), true,
                Instant.parse("2026-11-25T10:00:00Z"), java.util.Set.of("etl-202611251000"));
        assertThat(own.start()).extracting(ScheduleDecision.SlotRun::runName).containsExactly("etl-202611251000");
        ScheduleDecision.Result free = ScheduleDecision.decide("etl", hourly, busy.states(), true,
                Instant.parse("2026-11-25T11:00:00Z"), java.util.Set.of());
        assertThat(free.start()).extracting(ScheduleDecision.SlotRun::runName).containsExactly("etl-202611251100");
        assertThat(free.states().get(0).forbidden).isEqualTo(1);
    }
}
