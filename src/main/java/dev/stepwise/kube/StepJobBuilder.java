package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.Repository;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.core.RepositoryUrls;
import dev.stepwise.core.run.steps.JobToCreate;
import dev.stepwise.core.start.ParamResolver;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the Job of one step attempt, exactly as SPEC "Steps as Jobs" says. */
public final class StepJobBuilder {
    public static final String CONTAINER = "step";
    public static final String CLONE_CONTAINER = "clone";
    public static final String OUTPUTS_PATH = "/dev/termination-log";
    static final String WORKSPACE = "/workspace";

    private final String gitImage;
    private final StepSecurity security;
    /** Seconds the Job controller keeps a finished Job (and its pod) before it deletes them; null = forever. */
    private Integer finishedJobTtl;

    public StepJobBuilder(String gitImage) {
        this(gitImage, StepSecurity.fromConfig());
    }

    public StepJobBuilder(String gitImage, StepSecurity security) {
        this.gitImage = gitImage;
        this.security = security;
    }

    /** Finished Jobs and their pods go this long after they finished (Kubernetes' TTL-after-finished); zero keeps them. */
    public StepJobBuilder withFinishedJobTtl(java.time.Duration ttl) {
        this.finishedJobTtl = ttl == null || ttl.isZero() || ttl.isNegative() ? null : (int) Math.min(ttl.toSeconds(), Integer.MAX_VALUE);
        return this;
    }

    public Job build(Run run, String workflow, JobToCreate req) {
        Map<String, String> labels = Labels.forAttempt(workflow, run.getMetadata().getName(), req.stepName(), req.attempt());
        Step step = req.step();
        List<VolumeMount> mounts = new ArrayList<>();
        PodSpecBuilder pod = new PodSpecBuilder()
                .withRestartPolicy("Never")
                // no Service env vars: pods start faster and steps see a clean environment
                .withEnableServiceLinks(false);
        String serviceAccount = serviceAccount(step, req.instanceType());
        if (serviceAccount != null) {
            // the ServiceAccount a step (or its InstanceType) names: its token is mounted as Kubernetes does by default
            pod.withServiceAccountName(serviceAccount);
        } else {
            // no credentials for the API server: the namespace's default ServiceAccount may have been granted more
            pod.withAutomountServiceAccountToken(false);
        }
        if (req.instanceType() != null) {
            pod.withNodeSelector(req.instanceType().nodeSelector.isEmpty() ? null : req.instanceType().nodeSelector)
                    .withTolerations(req.instanceType().tolerations.isEmpty() ? null : req.instanceType().tolerations);
        }
        if (step.repository != null) {
            mounts.add(new VolumeMount(WORKSPACE, null, "workspace", null, null, null, null));
            pod.addNewVolume().withName("workspace").withNewEmptyDir().endEmptyDir().endVolume();
            pod.addToInitContainers(cloneContainer(step.repository, mounts));
        }
        pod.addToContainers(new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(req.settings().image())
                .withImagePullPolicy(step.pullsAlways() ? "Always" : null)
                .withCommand(emptyToNull(step.command))
                .withArgs(emptyToNull(step.args))
                .withEnv(env(run, workflow, req))
                .withEnvFrom(emptyToNull(step.envFrom))
                .withResources(ResourceMerge.merge(req.instanceType() == null ? null : req.instanceType().resources,
                        step.resources, step.storage))
                .withWorkingDir(step.repository != null ? WORKSPACE : null)
                .withVolumeMounts(mounts.isEmpty() ? null : mounts)
                // outputs are the termination message: no sidecar needed
                .withTerminationMessagePath(OUTPUTS_PATH)
                .withTerminationMessagePolicy("File")
                .build());
        PodSpec podSpec = pod.build();
        security.apply(podSpec, req.instanceType());
        Long deadline = req.settings().timeout() == null ? null : Math.max(1, req.settings().timeout().getSeconds());
        return new JobBuilder()
                .withNewMetadata()
                    .withName(req.name())
                    .withNamespace(run.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(run.getApiVersion())
                            .withKind(run.getKind())
                            .withName(run.getMetadata().getName())
                            .withUid(run.getMetadata().getUid())
                            .withController(true)
                            .withBlockOwnerDeletion(true)
                            .build())
                .endMetadata()
                .withNewSpec()
                    // the operator owns retries, so exit-code policy and backoff apply
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(deadline)
                    // the attempt's exit code, outputs and log tail are in the Run's status by then
                    .withTtlSecondsAfterFinished(finishedJobTtl)
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels)
                            .addToAnnotations(Labels.RUN_ANNOTATION, run.getMetadata().getName()).endMetadata()
                        .withSpec(podSpec)
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The step's serviceAccountName, else its InstanceType's, else null (no token). */
    static String serviceAccount(Step step, InstanceTypeSpec instanceType) {
        if (step.serviceAccountName != null && !step.serviceAccountName.isBlank()) {
            return step.serviceAccountName;
        }
        return instanceType == null || instanceType.serviceAccountName == null || instanceType.serviceAccountName.isBlank()
                ? null : instanceType.serviceAccountName;
    }

    private List<EnvVar> env(Run run, String workflow, JobToCreate req) {
        List<EnvVar> env = new ArrayList<>();
        // first: command, args and env values below refer to these as $(NAME), and Kubernetes expands only
        // names defined earlier in the list
        String outputs = SensitiveOutputs.secretName(run.getMetadata().getName());
        req.secretEnv().forEach((name, key) -> env.add(new EnvVarBuilder().withName(name).withNewValueFrom()
                .withNewSecretKeyRef(key, outputs, false).endValueFrom().build()));
        req.params().forEach((k, v) -> env.add(new EnvVar(ParamResolver.envName(k), v, null)));
        env.add(new EnvVar("STEPWISE_OUTPUTS", OUTPUTS_PATH, null));
        env.add(new EnvVar("STEPWISE_RUN", run.getMetadata().getName(), null));
        env.add(new EnvVar("STEPWISE_WORKFLOW", workflow, null));
        env.add(new EnvVar("STEPWISE_STEP", req.stepName(), null));
        env.add(new EnvVar("STEPWISE_ATTEMPT", Integer.toString(req.attempt()), null));
        // the step's own env comes last so it can override anything above
        if (req.step().env != null) {
            env.addAll(req.step().env);
        }
        // the Run's stepParams last of all: what one Run asks for wins over the workflow's defaults
        req.stepEnv().forEach((k, v) -> {
            env.removeIf(e -> e.getName().equals(k));
            env.add(new EnvVar(k, v, null));
        });
        return env;
    }

    /**
     * git's credential helper for the token (git-credential(1)): it answers only a {@code get} for
     * {@code protocol=https} and {@code host=$REPO_HOST}, the repository's own host, so neither a
     * redirect nor a submodule on another host ever receives the token. Single-quoted in the script.
     */
    static final String CREDENTIAL_HELPER = "!f() { [ \"$1\" = get ] || return 0; p=; h=; "
            + "while IFS== read -r k v; do case \"$k\" in protocol) p=$v;; host) h=$v;; esac; done; "
            + "if [ \"$p\" = https ] && [ \"$h\" = \"$REPO_HOST\" ]; then "
            + "echo username=x-access-token; echo \"password=$GIT_TOKEN\"; fi; }; f";

    private Container cloneContainer(Repository repo, List<VolumeMount> mounts) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("REPO_URL", repo.url, null));
        // a non-root user (StepSecurity) has no writable home in most git images: git config --global writes here
        env.add(new EnvVar("HOME", "/tmp", null));
        env.add(new EnvVar("REPO_REVISION", repo.revision == null ? "" : repo.revision, null));
        // no terminal: a server that asks for credentials git lacks fails the clone at once, saying so
        env.add(new EnvVar("GIT_TERMINAL_PROMPT", "0", null));
        // the core refuses a token for anything but https:// (RepositoryUrls): this is defence in depth
        boolean token = repo.tokenSecretRef != null && RepositoryUrls.problem(repo) == null;
        if (token) {
            env.add(new EnvVar("REPO_HOST", RepositoryUrls.host(repo.url), null));
            env.add(new EnvVarBuilder().withName("GIT_TOKEN").withNewValueFrom()
                    .withSecretKeyRef(repo.tokenSecretRef).endValueFrom().build());
        }
        String script = String.join("\n",
                "set -eu",
                "if [ -n \"${GIT_TOKEN:-}\" ]; then",
                "  git config --global credential.helper '" + CREDENTIAL_HELPER + "'",
                "fi",
                // the emptyDir is root's and the clone the step user's: git refuses such a repository unless told
                "git config --global --add safe.directory " + WORKSPACE,
                "git clone --quiet \"$REPO_URL\" " + WORKSPACE,
                "if [ -n \"$REPO_REVISION\" ]; then git -C " + WORKSPACE + " checkout --quiet \"$REPO_REVISION\"; fi");
        return new ContainerBuilder()
                .withName(CLONE_CONTAINER)
                .withImage(gitImage)
                .withCommand("sh", "-c", script)
                .withEnv(env)
                .withVolumeMounts(mounts)
                // a failed clone's last log lines (git's error, never the token) become its termination
                // message, which JobObserver shows on the attempt
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .build();
    }

    private static <T> List<T> emptyToNull(List<T> list) {
        return list == null || list.isEmpty() ? null : list;
    }

    /** Resources: InstanceType requests/limits, then the step's resources key by key, then storage. */
    static final class ResourceMerge {
        private ResourceMerge() {
        }

        static ResourceRequirements merge(ResourceRequirements instanceType, ResourceRequirements step, String storage) {
            Map<String, Quantity> requests = new LinkedHashMap<>();
            Map<String, Quantity> limits = new LinkedHashMap<>();
            if (instanceType != null) {
                putAll(requests, instanceType.getRequests());
                putAll(limits, instanceType.getLimits());
            }
            if (step != null) {
                putAll(requests, step.getRequests());
                putAll(limits, step.getLimits());
            }
            if (storage != null && !storage.isBlank()) {
                requests.put("ephemeral-storage", new Quantity(storage));
            }
            if (requests.isEmpty() && limits.isEmpty()) {
                return null;
            }
            ResourceRequirements r = new ResourceRequirements();
            r.setRequests(requests.isEmpty() ? null : requests);
            r.setLimits(limits.isEmpty() ? null : limits);
            return r;
        }

        private static void putAll(Map<String, Quantity> into, Map<String, Quantity> from) {
            if (from != null) {
                into.putAll(from);
            }
        }
    }
}
