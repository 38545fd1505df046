package dev.stepwise.core.workflow;

import dev.stepwise.core.Names;
import dev.stepwise.core.time.GoDuration;
import dev.stepwise.core.time.Times;

import dev.stepwise.api.v1alpha1.Schedule;
import dev.stepwise.api.v1alpha1.WorkflowStatus.ScheduleStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides which scheduled Runs a Workflow starts now, from its schedules, what its status recorded
 * for each (since when it counts, its last slot) and the time. Pure: the clock is an argument.
 *
 * <p>A slot's Run is named from the slot's time (UTC), so creating it twice (a restart, a second
 * replica, a status write that was lost) is refused by the API server instead of running the slot
 * again. Of slots missed while the operator was down only the latest may start, and only within
 * startingDeadline; the others are skipped and counted. A schedule starts counting when it is first
 * seen (or the workflow becomes active again): earlier slots never start.
 */
public final class ScheduleDecision {
    /** Slots counted at most per schedule and look (a `* * * * *` schedule after a week down is 10,080). */
    static final int MAX_SLOTS = 10_000;
    private static final DateTimeFormatter SLOT = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

    private ScheduleDecision() {
    }

    /** A Run to start for a slot. */
    public record SlotRun(String runName, int schedule, Instant slot, Map<String, String> params) {
    }

    /**
     * @param states  what to record in status.schedules
     * @param next    the earliest next slot of all schedules, or null
     * @param last    the latest slot that was due, or null
     * @param skipped messages about slots skipped in this look
     */
    public record Result(List<ScheduleStatus> states, List<SlotRun> start, Instant next, Instant last, List<String> skipped) {
        /** How long until the next slot, or null when there is none. */
        public Duration wait(Instant now) {
            return next == null ? null : Duration.between(now, next).plusMillis(50);
        }
    }

    /** Problems of the schedules (bad cron or time zone), for the workflow's validation. */
    public static List<String> problems(List<Schedule> schedules) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; schedules != null && i < schedules.size(); i++) {
            Schedule s = schedules.get(i);
            if (CronSchedule.parse(s.cron, s.timeZone) instanceof CronSchedule.Bad bad) {
                problems.add("schedules[" + i + "]: " + bad.problem());
            }
            if (s.startingDeadline != null && !GoDuration.isValid(s.startingDeadline)) {
                problems.add("schedules[" + i + "]: startingDeadline '" + s.startingDeadline + "' is not a duration");
            }
        }
        return problems;
    }

    public static Result decide(String workflow, List<Schedule> schedules, List<ScheduleStatus> before, boolean active,
                                Instant now) {
        return decide(workflow, schedules, before, active, now, java.util.Set.of());
    }

    /**
     * @param blockingRuns unfinished Runs of the workflow when its concurrencyPolicy is Forbid (else empty): while
     *                     any runs, a due slot is skipped and counted in {@code forbidden}, not started to fail
     */
    public static Result decide(String workflow, List<Schedule> schedules, List<ScheduleStatus> before, boolean active,
                                Instant now, java.util.Set<String> blockingRuns) {
        List<ScheduleStatus> states = new ArrayList<>();
        List<SlotRun> start = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Instant next = null;
        Instant last = null;
        List<ScheduleStatus> unused = new ArrayList<>(before == null ? List.of() : before);
        for (int i = 0; schedules != null && i < schedules.size(); i++) {
            Schedule schedule = schedules.get(i);
            String key = key(schedule);
            ScheduleStatus prev = take(unused, key);
            ScheduleStatus st = new ScheduleStatus();
            st.schedule = key;
            st.since = prev == null || !active ? Times.format(now) : prev.since;
            st.lastScheduleTime = prev == null ? null : prev.lastScheduleTime;
            st.missed = prev == null || prev.missed == null ? 0 : prev.missed;
            st.forbidden = prev == null ? null : prev.forbidden;
            states.add(st);
            if (!(CronSchedule.parse(schedule.cron, schedule.timeZone) instanceof CronSchedule.Ok ok) || !active) {
                continue;
            }
            CronSchedule cron = ok.schedule();
            Instant from = later(Times.parse(st.since), Times.parse(st.lastScheduleTime));
            Instant latest = null;
            int due = 0;
            Optional<Instant> slot = cron.next(from);
            while (slot.isPresent() && !slot.get().isAfter(now) && due < MAX_SLOTS) {
                latest = slot.get();
                due++;
                slot = cron.next(latest);
            }
            if (latest != null) {
                Duration deadline = GoDuration.parseOrNull(schedule.startingDeadline);
                boolean inTime = deadline == null || !now.isAfter(latest.plus(deadline));
                int missed = inTime ? due - 1 : due;
                String name = runName(workflow, i, latest);
                if (inTime && !blockingRuns.isEmpty() && !blockingRuns.contains(name)) {
                    st.forbidden = (st.forbidden == null ? 0 : st.forbidden) + 1;
                    skipped.add("schedule '" + key + "' skipped the slot " + Times.format(latest) + ": a Run of the workflow "
                            + "is still running (concurrencyPolicy Forbid)");
                } else if (inTime) {
                    start.add(new SlotRun(name, i, latest,
                            schedule.params == null ? Map.of() : new LinkedHashMap<>(schedule.params)));
                }
                if (missed > 0) {
                    skipped.add("schedule '" + key + "' skipped " + missed + (missed == 1 ? " slot" : " slots")
                            + " missed beyond its startingDeadline" + (inTime ? "" : " (latest " + Times.format(latest) + ")"));
                }
                st.missed += missed;
                st.lastScheduleTime = Times.format(latest);
                last = later(last, latest);
            }
            Optional<Instant> upcoming = slot.isPresent() && slot.get().isAfter(now) ? slot : cron.next(now);
            st.nextScheduleTime = upcoming.map(Times::format).orElse(null);
            if (upcoming.isPresent() && (next == null || upcoming.get().isBefore(next))) {
                next = upcoming.get();
            }
        }
        return new Result(states, start, next, last, skipped);
    }

    /** {@code <workflow>-<yyyyMMddHHmm>} for the first schedule, {@code -<n>} appended for the n-th of several. */
    static String runName(String workflow, int schedule, Instant slot) {
        String name = workflow + "-" + SLOT.format(slot) + (schedule == 0 ? "" : "-" + (schedule + 1));
        return Names.fit(name, 253);
    }

    private static String key(Schedule s) {
        return s.cron.trim() + "@" + (s.timeZone == null || s.timeZone.isBlank() ? "UTC" : s.timeZone);
    }

    private static ScheduleStatus take(List<ScheduleStatus> unused, String key) {
        for (int i = 0; i < unused.size(); i++) {
            if (key.equals(unused.get(i).schedule)) {
                return unused.remove(i);
            }
        }
        return null;
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
