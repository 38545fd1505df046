package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Repository;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.core.run.steps.EffectiveStep;
import dev.stepwise.core.Fixtures;
import dev.stepwise.core.run.steps.JobToCreate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The clone init container of a step with a repository (README "Git checkout"). */
class StepJobBuilderTest {
    private static final String GIT_IMAGE = "localhost/stepwise/git:2.39";

    private static PodSpec build(Repository repo) {
        Step step = Fixtures.step("build");
        step.image = "busybox:1.36";
        step.command = List.of("ls");
        step.repository = repo;
        JobToCreate req = new JobToCreate("etl-1-build-1", "build", 1, step,
                EffectiveStep.of(Fixtures.spec(step), step), null, Map.of());
        return new StepJobBuilder(GIT_IMAGE, new StepSecurity(true, 65532))
                .build(Fixtures.run("etl-1", 1, Map.of()), "etl", req).getSpec().getTemplate().getSpec();
    }

    private static Repository repo(String url, String revision, SecretKeySelector token) {
        Repository r = new Repository();
        r.url = url;
        r.revision = revision;
        r.tokenSecretRef = token;
        return r;
    }

    @Test
    void theCloneContainerFillsTheWorkspaceTheStepWorksIn() {
        PodSpec pod = build(repo("http://10.96.0.94/demo.git", "v1", null));

        assertThat(pod.getInitContainers()).singleElement().satisfies(clone -> {
            assertThat(clone.getName()).isEqualTo(StepJobBuilder.CLONE_CONTAINER);
            assertThat(clone.getImage()).isEqualTo(GIT_IMAGE);
            assertThat(clone.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactly("/workspace");
            assertThat(env(clone)).containsEntry("REPO_URL", "http://10.96.0.94/demo.git").containsEntry("REPO_REVISION", "v1")
                    .containsEntry("HOME", "/tmp").containsEntry("GIT_TERMINAL_PROMPT", "0").doesNotContainKey("GIT_TOKEN");
            // git's error becomes the termination message JobObserver shows on a failed attempt
            assertThat(clone.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
            assertThat(clone.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        });
        Container step = pod.getContainers().get(0);
        assertThat(step.getWorkingDir()).isEqualTo("/workspace");
        assertThat(step.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactly("/workspace");
    }

    @Test
    void theTokenIsOnlyASecretKeyRefNeverAValue() {
        PodSpec pod = build(repo("https://git.example.com/private.git", null, new SecretKeySelector("token", "git-token", false)));

        Container clone = pod.getInitContainers().get(0);
        EnvVar token = clone.getEnv().stream().filter(e -> e.getName().equals("GIT_TOKEN")).findFirst().orElseThrow();
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("git-token");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
        // the script hands it to git through a credential helper, as the password of x-access-token
        assertThat(String.join(" ", clone.getCommand())).contains("credential.helper", "username=x-access-token", "password=$GIT_TOKEN")
                .doesNotContain("@");
        assertThat(pod.getContainers().get(0).getEnv()).extracting(EnvVar::getName).doesNotContain("GIT_TOKEN");
        assertThat(env(clone)).containsEntry("REPO_HOST", "git.example.com");
    }

    @Test
    void aTokenIsNeverGivenToACloneOverPlainHttp() {
        // the core refuses such a step (RepositoryUrls); should one reach the builder, it clones without the token
        PodSpec pod = build(repo("http://10.96.0.94/private.git", null, new SecretKeySelector("token", "git-token", false)));
        assertThat(env(pod.getInitContainers().get(0))).doesNotContainKeys("GIT_TOKEN", "REPO_HOST");
    }

    @Test
    void theCredentialHelperAnswersOnlyForHttpsToTheRepositorysOwnHost() throws Exception {
        String script = String.join(" ", build(repo("https://git.example.com:8443/private.git", null,
                new SecretKeySelector("token", "git-token", false))).getInitContainers().get(0).getCommand());
        assertThat(script).contains("credential.helper '" + StepJobBuilder.CREDENTIAL_HELPER + "'");
        assertThat(StepJobBuilder.CREDENTIAL_HELPER).doesNotContain("'");

        assertThat(helper("protocol=https\nhost=git.example.com:8443\npath=private.git\n\n", "git.example.com:8443"))
                .isEqualTo("username=x-access-token\npassword=tok-123\n");
        assertThat(helper("protocol=https\nhost=evil.example.net\n\n", "git.example.com:8443")).as("another host").isEmpty();
        assertThat(helper("protocol=https\nhost=git.example.com\n\n", "git.example.com:8443")).as("another port").isEmpty();
        assertThat(helper("protocol=http\nhost=git.example.com:8443\n\n", "git.example.com:8443")).as("plain http").isEmpty();
        assertThat(helper("host=git.example.com:8443\n\n", "git.example.com:8443")).as("no protocol").isEmpty();
    }

    /** Runs the helper as git would: {@code get} appended, the request on stdin, REPO_HOST and GIT_TOKEN set. */
    private static String helper(String request, String repoHost) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", StepJobBuilder.CREDENTIAL_HELPER.substring(1) + " get");
        pb.environment().put("REPO_HOST", repoHost);
        pb.environment().put("GIT_TOKEN", "tok-123");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out;
    }

    private static Map<String, String> env(Container c) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        return env;
    }

    @Test
    void finishedJobsGoAfterTheirTtlAndStepParamsComeLast() {
        Step step = new Step();
        step.name = "load";
        step.image = "busybox:1.36";
        step.env = new java.util.ArrayList<>(List.of(new io.fabric8.kubernetes.api.model.EnvVar("LIMIT", "5", null)));
        JobToCreate req = new JobToCreate("etl-1-load-1", "load", 1, step, EffectiveStep.of(Fixtures.spec(step), step), null,
                Map.of("date", "today"), Map.of("LIMIT", "10"));
        var job = new StepJobBuilder(GIT_IMAGE, new StepSecurity(true, 65532)).withFinishedJobTtl(java.time.Duration.ofHours(1))
                .build(Fixtures.run("etl-1", 1, Map.of()), "etl", req);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
        var env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertThat(env.stream().filter(e -> e.getName().equals("LIMIT")).map(e -> e.getValue()).toList()).containsExactly("10");
        assertThat(env).anyMatch(e -> e.getName().equals("PARAM_DATE") && "today".equals(e.getValue()));
        assertThat(new StepJobBuilder(GIT_IMAGE, new StepSecurity(true, 65532)).withFinishedJobTtl(java.time.Duration.ZERO)
                .build(Fixtures.run("etl-1", 1, Map.of()), "etl", req).getSpec().getTtlSecondsAfterFinished()).isNull();
    }

    private static PodSpec podOf(Step step, dev.stepwise.api.v1alpha1.InstanceTypeSpec instanceType) {
        JobToCreate req = new JobToCreate("etl-1-" + step.name + "-1", step.name, 1, step,
                EffectiveStep.of(Fixtures.spec(step), step), instanceType, Map.of());
        return new StepJobBuilder(GIT_IMAGE, new StepSecurity(true, 65532))
                .build(Fixtures.run("etl-1", 1, Map.of()), "etl", req).getSpec().getTemplate().getSpec();
    }

    @Test
    void aStepPodMountsNoServiceAccountTokenUnlessTheStepOrItsInstanceTypeNamesOne() {
        Step plain = Fixtures.step("plain");
        plain.image = "busybox:1.36";
        PodSpec none = podOf(plain, null);
        assertThat(none.getAutomountServiceAccountToken()).isFalse();
        assertThat(none.getServiceAccountName()).isNull();

        Step reader = Fixtures.step("reader");
        reader.image = "busybox:1.36";
        reader.serviceAccountName = "etl-reader";
        PodSpec named = podOf(reader, null);
        assertThat(named.getServiceAccountName()).isEqualTo("etl-reader");
        // the token is mounted as Kubernetes does by default (the ServiceAccount's own setting decides)
        assertThat(named.getAutomountServiceAccountToken()).isNull();

        var deployer = new dev.stepwise.api.v1alpha1.InstanceTypeSpec();
        deployer.serviceAccountName = "deployer";
        assertThat(podOf(plain, deployer).getServiceAccountName()).isEqualTo("deployer");
        assertThat(podOf(plain, deployer).getAutomountServiceAccountToken()).isNull();
        // the step's own wins over its InstanceType's
        assertThat(podOf(reader, deployer).getServiceAccountName()).isEqualTo("etl-reader");
    }

    @Test
    void sensitiveOutputsOfOtherStepsComeFromTheRunsSecretDefinedBeforeAnythingThatExpandsThem() {
        Step use = Fixtures.step("use");
        use.image = "busybox:1.36";
        use.args = List.of("--token=$(STEPWISE_SECRET_LOGIN__TOKEN)");
        use.env = new java.util.ArrayList<>(List.of(new EnvVar("AUTH", "Bearer $(STEPWISE_SECRET_LOGIN__TOKEN)", null)));
        JobToCreate req = new JobToCreate("etl-1-use-1", "use", 1, use, EffectiveStep.of(Fixtures.spec(use), use), null,
                Map.of(), Map.of(), Map.of("STEPWISE_SECRET_LOGIN__TOKEN", "login.outputs.token"));
        var job = new StepJobBuilder(GIT_IMAGE, new StepSecurity(true, 65532)).build(Fixtures.run("etl-1", 1, Map.of()), "etl", req);
        List<EnvVar> env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        EnvVar secret = env.get(0);
        assertThat(secret.getName()).isEqualTo("STEPWISE_SECRET_LOGIN__TOKEN");
        assertThat(secret.getValue()).isNull();
        assertThat(secret.getValueFrom().getSecretKeyRef().getName()).isEqualTo(SensitiveOutputs.secretName("etl-1"));
        assertThat(secret.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("login.outputs.token");
        assertThat(secret.getValueFrom().getSecretKeyRef().getOptional()).isFalse();
        assertThat(env).extracting(EnvVar::getName).endsWith("AUTH");
    }
}
