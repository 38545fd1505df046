package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.Param;
import dev.stepwise.api.v1alpha1.RetryPolicy;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepDefaults;
import dev.stepwise.api.v1alpha1.StepType;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.api.v1alpha1.EventWait;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small builders for specs and steps, shared by the core tests. */
public final class Fixtures {
    public static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private Fixtures() {
    }

    public static Step step(String name, String... parents) {
        Step s = new Step();
        s.name = name;
        s.image = "busybox:1.36";
        s.dependsOn = new ArrayList<>(Arrays.asList(parents));
        return s;
    }

    public static Step sleepStep(String name, String duration, String... parents) {
        Step s = step(name, parents);
        s.image = null;
        s.type = StepType.sleep;
        s.duration = duration;
        return s;
    }

    public static Step waitStep(String name, String event, String timeout, String... parents) {
        Step s = step(name, parents);
        s.image = null;
        s.type = StepType.waitForEvent;
        s.event = new EventWait();
        s.event.name = event;
        s.event.timeout = timeout;
        return s;
    }

    public static Step withOutputs(Step s, String... outputs) {
        s.outputs = new ArrayList<>(Arrays.asList(outputs));
        return s;
    }

    public static Step withArgs(Step s, String... args) {
        s.args = new ArrayList<>(Arrays.asList(args));
        return s;
    }

    /** A Run of workflow etl as the API server returns it: name, namespace data, UID, creation time. */
    public static dev.stepwise.api.v1alpha1.Run run(String name, long generation, java.util.Map<String, String> params) {
        var run = new dev.stepwise.api.v1alpha1.Run();
        run.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("data")
                .withUid("run-uid-" + name).withGeneration(generation).withCreationTimestamp(T0.toString()).build());
        var spec = new dev.stepwise.api.v1alpha1.RunSpec();
        spec.workflowRef = new dev.stepwise.api.v1alpha1.RunSpec.WorkflowRef("etl", null);
        spec.params = new java.util.LinkedHashMap<>(params);
        run.setSpec(spec);
        return run;
    }

    /** Revision {@code <workflow>-r<n>} published by the Workflow with UID {@code workflowUid}. */
    public static dev.stepwise.api.v1alpha1.WorkflowRevision revision(String workflow, int n, WorkflowSpec template, String workflowUid) {
        var rev = new dev.stepwise.api.v1alpha1.WorkflowRevision();
        rev.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(workflow + "-r" + n).withNamespace("data")
                .addNewOwnerReference().withApiVersion("stepwise.dev/v1alpha1").withKind("Workflow").withName(workflow)
                .withUid(workflowUid).withController(true).endOwnerReference().build());
        var spec = new dev.stepwise.api.v1alpha1.WorkflowRevisionSpec();
        spec.workflow = workflow;
        spec.revision = n;
        spec.template = template;
        rev.setSpec(spec);
        return rev;
    }

    public static WorkflowSpec spec(Step... steps) {
        WorkflowSpec w = new WorkflowSpec();
        w.steps = new ArrayList<>(Arrays.asList(steps));
        return w;
    }

    public static WorkflowSpec spec(List<Step> steps) {
        WorkflowSpec w = new WorkflowSpec();
        w.steps = new ArrayList<>(steps);
        return w;
    }

    public static WorkflowSpec withParams(WorkflowSpec w, Param... params) {
        w.params = new ArrayList<>(Arrays.asList(params));
        return w;
    }

    public static WorkflowSpec withDefaults(WorkflowSpec w, StepDefaults d) {
        w.defaults = d;
        return w;
    }

    public static Param required(String name) {
        Param p = new Param(name, null);
        p.required = true;
        return p;
    }

    public static RetryPolicy retry(int limit, RetryPolicy.Backoff backoff, String delay, String maxDelay, Integer... onExitCodes) {
        RetryPolicy r = new RetryPolicy();
        r.limit = limit;
        r.backoff = backoff;
        r.delay = delay;
        r.maxDelay = maxDelay;
        r.onExitCodes = new ArrayList<>(Arrays.asList(onExitCodes));
        return r;
    }
}
