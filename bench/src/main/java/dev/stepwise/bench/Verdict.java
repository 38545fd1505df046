package dev.stepwise.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What chaos/run concludes from the cluster's records (never from the operator's opinion of
 * itself): Runs lost, steps run twice, Runs stuck, statuses that contradict their Jobs and pods,
 * and Runs that ended other than their workflow promises with no injected fault to explain it.
 * Pure: it reads the records and the audit log's Job creates, and calls nothing.
 */
final class Verdict {
    static final Set<String> FINISHED = Set.of("Succeeded", "Failed", "Cancelled");
    /** The finding categories any one of which fails a run, in the order the report lists them. */
    static final List<String> CATEGORIES = List.of("lost", "twice", "stuck", "inconsistent", "unexplained");
    /** Attempt reasons that are a recorded end other than success (a retry after one is due). */
    private static final Set<String> SUCCESS_REASONS = Set.of("Completed", "Succeeded");

    /** One finding per line, by category; a category absent from the map had none. */
    final Map<String, List<String>> findings = new TreeMap<>();
    int runsCreated;
    int runsFinished;
    final Map<String, Integer> phases = new TreeMap<>();
    int jobs;
    int pods;
    int attempts;
    int retriesAfterFailure;
    int runsHitByPodFaults;
    /** Steps Succeeded whose Job says Failed because their pod was deleted or evicted as its container exited 0. */
    int jobFailedAfterExitZero;
    long maxFinishLagMs;

    /** A Run the harness created: its workflow and the phase that workflow promises when nothing is injected. */
    record Submitted(String name, String workflow, String expectedPhase, long createdMs) {
    }

    static Verdict judge(Collection<Submitted> submitted, ClusterRecord rec, Map<String, Integer> auditJobCreates, long nowMs,
                         long stuckAfterMs) {
        Verdict v = new Verdict();
        v.runsCreated = submitted.size();
        v.jobs = rec.jobs.size();
        v.pods = rec.pods.size();
        Map<String, List<ClusterRecord.JobRec>> jobsByRunUid = new HashMap<>();
        Map<String, ClusterRecord.JobRec> jobByName = new HashMap<>();
        for (ClusterRecord.JobRec j : rec.jobs.values()) {
            jobsByRunUid.computeIfAbsent(String.valueOf(j.runUid), k -> new ArrayList<>()).add(j);
            jobByName.put(j.name, j);
        }
        Map<String, List<ClusterRecord.PodRec>> podsByJobUid = new HashMap<>();
        for (ClusterRecord.PodRec p : rec.pods.values()) {
            podsByJobUid.computeIfAbsent(String.valueOf(p.jobUid), k -> new ArrayList<>()).add(p);
        }

        // Steps run twice: two Jobs for one attempt, two pods for one Job, a Job name created twice.
        Map<String, List<ClusterRecord.JobRec>> byAttempt = new HashMap<>();
        for (ClusterRecord.JobRec j : rec.jobs.values()) {
            byAttempt.computeIfAbsent(j.runUid + "/" + j.step + "/" + j.attempt, k -> new ArrayList<>()).add(j);
        }
        byAttempt.forEach((k, js) -> {
            if (js.size() > 1) {
                v.add("twice", "run " + js.get(0).run + " step " + js.get(0).step + " attempt " + js.get(0).attempt + ": "
                        + js.size() + " Jobs " + js.stream().map(j -> j.name).sorted().toList());
            }
        });
        for (ClusterRecord.JobRec j : rec.jobs.values()) {
            List<ClusterRecord.PodRec> ps = podsByJobUid.getOrDefault(j.uid, List.of());
            if (ps.size() > 1) {
                v.add("twice", "Job " + j.name + " had " + ps.size() + " pods " + ps.stream().map(p -> p.name + (p.injected == null ? "" : " (" + p.injected + ")")).sorted().toList());
            }
        }
        auditJobCreates.forEach((name, n) -> {
            if (n > 1) {
                v.add("twice", "Job " + name + " created " + n + " times (API server audit log)");
            }
        });

        for (Submitted s : submitted) {
            ClusterRecord.RunRec r = rec.runs.get(s.name());
            List<ClusterRecord.JobRec> runJobs = r == null ? List.of() : jobsByRunUid.getOrDefault(r.uid, List.of());
            long lastProgress = s.createdMs();
            for (ClusterRecord.JobRec j : runJobs) {
                lastProgress = Math.max(lastProgress, Math.max(j.seenMs, j.finishedMs));
            }
            if (r == null || r.uid == null) {
                v.add("lost", s.name() + ": never seen in the cluster");
                continue;
            }
            if (r.deleted) {
                v.add("lost", s.name() + ": deleted");
                continue;
            }
            boolean hitByFault = false;
            for (ClusterRecord.JobRec j : runJobs) {
                for (ClusterRecord.PodRec p : podsByJobUid.getOrDefault(j.uid, List.of())) {
                    hitByFault |= p.injected != null;
                }
            }
            if (hitByFault) {
                v.runsHitByPodFaults++;
            }
            if (!r.finished()) {
                v.add("lost", s.name() + ": never finished (phase " + r.phase() + ", last progress "
                        + (nowMs - lastProgress) / 1000 + " s before the end)");
                if (nowMs - lastProgress > stuckAfterMs) {
                    v.add("stuck", s.name() + ": not finished " + (nowMs - lastProgress) / 1000 + " s after its last step could have moved on");
                }
                continue;
            }
            v.runsFinished++;
            v.phases.merge(r.phase(), 1, Integer::sum);
            long lag = r.finishedMs - lastProgress;
            v.maxFinishLagMs = Math.max(v.maxFinishLagMs, lag);
            if (lag > stuckAfterMs) {
                v.add("stuck", s.name() + ": finished " + lag / 1000 + " s after its last step could have moved on");
            }
            if (!r.phase().equals(s.expectedPhase()) && !hitByFault) {
                v.add("unexplained", s.name() + " (" + s.workflow() + "): " + r.phase() + ", expected " + s.expectedPhase()
                        + " and no fault was injected into its pods: " + r.status.path("message").asText());
            }
            v.checkStatus(s.name(), r.status, runJobs, jobByName, podsByJobUid);
        }
        return v;
    }

    /** The Run's status against its Jobs and pods. */
    private void checkStatus(String run, JsonNode status, List<ClusterRecord.JobRec> runJobs, Map<String, ClusterRecord.JobRec> jobByName,
                             Map<String, List<ClusterRecord.PodRec>> podsByJobUid) {
        String phase = status.path("phase").asText();
        Set<String> named = new HashSet<>();
        boolean anyFailed = false;
        Map<String, List<ClusterRecord.JobRec>> jobsByStep = new LinkedHashMap<>();
        runJobs.forEach(j -> jobsByStep.computeIfAbsent(j.step, k -> new ArrayList<>()).add(j));
        for (JsonNode step : status.path("steps")) {
            String name = step.path("name").asText();
            String stepPhase = step.path("phase").asText();
            anyFailed |= stepPhase.equals("Failed");
            if ("Succeeded".equals(phase) && !stepPhase.equals("Succeeded") && !stepPhase.equals("Skipped")) {
                add("inconsistent", run + ": Succeeded, but step " + name + " is " + stepPhase);
            }
            JsonNode stepAttempts = step.path("attempts");
            attempts += stepAttempts.size();
            for (int i = 0; i < stepAttempts.size(); i++) {
                JsonNode a = stepAttempts.get(i);
                String jobName = a.path("job").asText("");
                boolean last = i == stepAttempts.size() - 1;
                if (!last) {
                    boolean succeeded = a.path("exitCode").asInt(-1) == 0 || SUCCESS_REASONS.contains(a.path("reason").asText());
                    if (succeeded) {
                        add("twice", run + " step " + name + ": attempt " + (i + 1) + " succeeded, yet attempt " + (i + 2) + " followed");
                    } else {
                        retriesAfterFailure++;
                    }
                }
                if (jobName.isEmpty()) {
                    continue; // an attempt refused before its Job existed
                }
                named.add(jobName);
                ClusterRecord.JobRec job = jobByName.get(jobName);
                if (job == null) {
                    add("inconsistent", run + " step " + name + " attempt " + a.path("number").asInt() + ": names Job " + jobName
                            + ", which the cluster never showed");
                    continue;
                }
                if (last && stepPhase.equals("Succeeded") && !"Complete".equals(job.outcome)) {
                    // a pod deleted or evicted just as its container exited 0: the Job counts it failed, the step is done
                    boolean exitedZero = podsByJobUid.getOrDefault(job.uid, List.of()).stream()
                            .anyMatch(p -> Integer.valueOf(0).equals(p.exitCode));
                    if (exitedZero) {
                        jobFailedAfterExitZero++;
                    } else {
                        add("inconsistent", run + " step " + name + ": Succeeded, but its Job " + jobName + " is " + job.outcome
                                + " and no pod of it was seen exit 0");
                    }
                }
                if (last && stepPhase.equals("Failed") && "Complete".equals(job.outcome)) {
                    add("inconsistent", run + " step " + name + ": Failed, but its Job " + jobName + " completed");
                }
                if (a.has("exitCode") && !a.path("exitCode").isNull()) {
                    for (ClusterRecord.PodRec p : podsByJobUid.getOrDefault(job.uid, List.of())) {
                        if (p.exitCode != null && p.exitCode != a.path("exitCode").asInt()) {
                            add("inconsistent", run + " step " + name + ": exit code " + a.path("exitCode").asInt() + " in status, "
                                    + p.exitCode + " in pod " + p.name);
                        }
                    }
                }
            }
        }
        if ("Failed".equals(phase) && !anyFailed) {
            add("inconsistent", run + ": Failed, but no step Failed (" + status.path("message").asText() + ")");
        }
        for (ClusterRecord.JobRec j : runJobs) {
            if (!named.contains(j.name)) {
                add("inconsistent", run + ": Job " + j.name + " (step " + j.step + " attempt " + j.attempt + ") is in no attempt of the status");
            }
        }
        // a later attempt's Job after an earlier one of the same step completed: the step ran twice
        jobsByStep.forEach((step, js) -> {
            for (ClusterRecord.JobRec done : js) {
                if ("Complete".equals(done.outcome)) {
                    for (ClusterRecord.JobRec later : js) {
                        if (later.attempt > done.attempt) {
                            add("twice", run + " step " + step + ": Job " + later.name + " after " + done.name + " completed");
                        }
                    }
                }
            }
        });
    }

    void add(String category, String finding) {
        findings.computeIfAbsent(category, k -> new ArrayList<>()).add(finding);
    }

    int count(String category) {
        return findings.getOrDefault(category, List.of()).size();
    }
}
