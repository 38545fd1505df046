package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowSpec;

import java.time.Instant;
import java.util.Map;

/**
 * Everything the planner decides from: the pinned revision, the Run, what was observed of its Jobs,
 * the InstanceTypes and the clock.
 *
 * @param status      the Run's current status (the planner never mutates it)
 * @param jobs        observed Jobs of this Run by Job name
 * @param logTailBytes the operator's configured log tail size per attempt
 */
public record RunContext(String runName, String namespace, Long generation, String workflowName,
                         String revisionName, WorkflowSpec template, Map<String, String> params, boolean cancel,
                         RunStatus status, Map<String, ObservedJob> jobs, Map<String, InstanceTypeSpec> instanceTypes,
                         Instant now, int logTailBytes) {
}
