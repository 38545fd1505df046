package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A step's {@code repository} on the real node: the clone init container (the git image dev/cluster
 * builds from Debian's git) clones a repository that a pod of the same image serves inside the
 * cluster (no cluster DNS: by pod IP), over git:// without a token and over HTTP with basic auth
 * (busybox httpd running {@code git http-backend} as CGI), where a token from a Secret is refused:
 * tokens go only to https:// URLs.
 */
class GitCheckoutE2E extends OperatorE2E {
    /** The server's repository: v1 (README.txt) ← main (+ NOTES.txt) ← feature (+ FEATURE.txt). */
    private static final String SERVER = """
            apiVersion: v1
            kind: Pod
            metadata: {name: git-server, labels: {app: git-server}}
            spec:
              securityContext: {runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: {type: RuntimeDefault}}
              containers:
              - name: git
                image: %s
                env:
                - {name: TOKEN, valueFrom: {secretKeyRef: {name: git-token, key: token}}}
                securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
                ports: [{containerPort: 9418}, {containerPort: 8080}]
                readinessProbe:
                  exec: {command: [bash, -c, 'exec 3<>/dev/tcp/127.0.0.1/9418 && exec 4<>/dev/tcp/127.0.0.1/8080']}
                  periodSeconds: 1
                command:
                - sh
                - -c
                - |
                  set -eu
                  mkdir -p /tmp/work /tmp/srv/git /tmp/srv/www/cgi-bin && cd /tmp/work
                  git init -q -b main && git config user.email e2e@stepwise.dev && git config user.name e2e
                  echo "hello from the served repository" > README.txt && git add . && git commit -qm first && git tag v1
                  echo "second commit on main" > NOTES.txt && git add . && git commit -qm second
                  git checkout -qb feature && echo "on branch feature" > FEATURE.txt && git add . && git commit -qm feature
                  git checkout -q main
                  git clone -q --bare /tmp/work /tmp/srv/git/demo.git
                  for r in v1 main feature; do echo "commit-$r=$(git rev-parse $r)"; done
                  printf '#!/bin/sh\\nexport GIT_PROJECT_ROOT=/tmp/srv/git GIT_HTTP_EXPORT_ALL=1\\nexec git http-backend\\n' > /tmp/srv/www/cgi-bin/git
                  chmod 755 /tmp/srv/www/cgi-bin/git
                  echo "/cgi-bin:x-access-token:$TOKEN" > /tmp/srv/httpd.conf
                  # the shell stays PID 1 and ends on SIGTERM (a PID 1 without a handler ignores it)
                  trap 'exit 0' TERM
                  busybox httpd -f -p 8080 -h /tmp/srv/www -c /tmp/srv/httpd.conf &
                  git daemon --reuseaddr --export-all --base-path=/tmp/srv/git --port=9418 &
                  wait
            """;

    /** What each step prints and outputs about the working directory it got. */
    private static final String SHOW = """
            command:
                    - sh
                    - -c
                    - |
                      echo "working in $(pwd)"; cat README.txt
                      echo "files=$(ls | xargs)" > $STEPWISE_OUTPUTS; echo "head=$(cat .git/HEAD)" >> $STEPWISE_OUTPUTS
                  outputs: [files, head]""";

    /** Starts the server in the test's namespace; returns its pod IP and the commits it made. */
    private Map<String, String> startServer(String token) {
        createSecret("git-token", token);
        E2eCluster.applyYaml(client, SERVER.formatted(E2eCluster.gitImage()), ns);
        await("git server ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Pod p = client.pods().inNamespace(ns).withName("git-server").get();
            return p != null && p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        });
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("ip", client.pods().inNamespace(ns).withName("git-server").get().getStatus().getPodIP());
        client.pods().inNamespace(ns).withName("git-server").getLog().lines().filter(l -> l.startsWith("commit-"))
                .forEach(l -> facts.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        assertThat(facts).containsKeys("commit-v1", "commit-main", "commit-feature");
        return facts;
    }

    private void createSecret(String name, String token) {
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .addToStringData("token", token).build()).create();
    }

    @Test
    void aStepWorksInTheRepositoryItNamesAtTheRevisionItAsks() {
        ns = E2eCluster.createNamespace(client, "e2e-git");
        Map<String, String> server = startServer("unused-" + UUID.randomUUID());
        String url = "git://" + server.get("ip") + "/demo.git";
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: checkout}
                spec:
                  defaults: {image: busybox:1.36, retry: {limit: 0}}
                  steps:
                    - name: default-branch
                      repository: {url: %1$s}
                      %2$s
                    - name: tag
                      repository: {url: %1$s, revision: v1}
                      %2$s
                    - name: branch
                      repository: {url: %1$s, revision: feature}
                      %2$s
                    - name: commit
                      repository: {url: %1$s, revision: %3$s}
                      %2$s
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: checkout-1}
                spec: {workflowRef: {name: checkout}}
                """.formatted(url, SHOW, server.get("commit-feature")), ns);

        Run run = new RunWatch(client, ns, "checkout-1").awaitFinished(operator);

        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        Map<String, StepStatus> steps = byName(run);
        assertThat(steps.values()).allSatisfy(s -> {
            assertThat(s.phase).isEqualTo(StepPhase.Succeeded);
            assertThat(s.attempts.get(0).logs).contains("working in /workspace", "hello from the served repository");
        });
        assertThat(steps.get("default-branch").outputs)
                .containsExactlyInAnyOrderEntriesOf(Map.of("files", "NOTES.txt README.txt", "head", "ref: refs/heads/main"));
        // a tag and a commit check out detached: .git/HEAD holds the commit
        assertThat(steps.get("tag").outputs)
                .containsExactlyInAnyOrderEntriesOf(Map.of("files", "README.txt", "head", server.get("commit-v1")));
        assertThat(steps.get("branch").outputs)
                .containsExactlyInAnyOrderEntriesOf(Map.of("files", "FEATURE.txt NOTES.txt README.txt", "head", "ref: refs/heads/feature"));
        // a commit only a non-default branch reaches
        assertThat(steps.get("commit").outputs)
                .containsExactlyInAnyOrderEntriesOf(Map.of("files", "FEATURE.txt NOTES.txt README.txt", "head", server.get("commit-feature")));
        // the clone ran as the step pods' default user, under Pod Security "restricted" settings
        Job job = client.batch().v1().jobs().inNamespace(ns).withName(steps.get("tag").attempts.get(0).job).get();
        Container clone = job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
        assertThat(clone.getImage()).isEqualTo(E2eCluster.gitImage());
        assertThat(job.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(clone.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    }

    /**
     * A token goes only to https:// repositories (README "Git checkout"): one named for this plain-http
     * server makes the Workflow invalid and its Run fails without a Job. The credential helper's answers
     * (only for https and the repository's own host) are proved by StepJobBuilderTest, which runs it; a
     * token sent over https needs a TLS git server this cluster does not have.
     */
    @Test
    void aTokenIsRefusedForPlainHttpAndAPrivateRepositoryWithoutOneFailsWithGitsWords() {
        ns = E2eCluster.createNamespace(client, "e2e-gittoken");
        String token = "tok-" + UUID.randomUUID();
        Map<String, String> server = startServer(token);
        String url = "http://" + server.get("ip") + ":8080/cgi-bin/git/demo.git";
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: private}
                spec:
                  defaults: {image: busybox:1.36, retry: {limit: 0}}
                  steps:
                    - name: no-token
                      repository: {url: %1$s}
                      %2$s
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: insecure}
                spec:
                  defaults: {image: busybox:1.36}
                  steps:
                    - name: with-token
                      repository: {url: %1$s, tokenSecretRef: {name: git-token, key: token}}
                      %2$s
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: private-1}
                spec: {workflowRef: {name: private}}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: insecure-1}
                spec: {workflowRef: {name: insecure}}
                """.formatted(url, SHOW), ns);

        Run run = new RunWatch(client, ns, "private-1").awaitFinished(operator);
        // without a token the server says 401 and the attempt says what git said
        Attempt none = byName(run).get("no-token").attempts.get(0);
        assertThat(none.reason).isEqualTo("CloneFailed");
        assertThat(none.exitCode).isEqualTo(128);
        assertThat(none.message).startsWith("cloning the repository failed: exit code 128: ")
                .contains("could not read Username for 'http://" + server.get("ip") + ":8080': terminal prompts disabled");

        Run insecure = new RunWatch(client, ns, "insecure-1").awaitFinished(operator);
        assertThat(insecure.getStatus().phase).isEqualTo(RunPhase.Failed);
        assertThat(insecure.getStatus().message).contains("is invalid", "not an https:// URL");
        assertThat(client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/run", "insecure-1").list().getItems())
                .as("no Job of a step that would send its token in the clear").isEmpty();
        String runYaml = Serialization.asYaml(insecure);
        String eventsYaml = Serialization.asYaml(client.v1().events().inNamespace(ns).list());
        assertThat(runYaml + eventsYaml).doesNotContain(token);
    }

    private static Map<String, StepStatus> byName(Run run) {
        return run.getStatus().steps.stream().collect(Collectors.toMap(s -> s.name, s -> s, (x, y) -> x, LinkedHashMap::new));
    }
}
