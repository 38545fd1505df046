package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook trigger as a user calls it: curl POSTs to the operator's /webhooks/{namespace}/{workflow}
 * with the bearer token from the Workflow's Secret and a JSON body of params.
 */
class WebhookE2E extends OperatorE2E {

    /** curl's answer: the HTTP status on the last line, the body before it. */
    private record Reply(int status, String body) {
    }

    private static Reply curl(String path, String token, String body) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "-X", "POST", "-w", "\n%{http_code}",
                "-H", "Content-Type: application/json", "--data", body));
        if (token != null) {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        cmd.add("http://localhost:8080" + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        int nl = out.lastIndexOf('\n');
        return new Reply(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, nl));
    }

    @Test
    void aPostWithTheTokenStartsARunAndEverythingElseIsRefusedClearly() throws Exception {
        ns = E2eCluster.createNamespace(client, "e2e-webhook");
        E2eCluster.applyYaml(client, """
                apiVersion: v1
                kind: Secret
                metadata: {name: deploy-hook}
                stringData: {token: e2e-hook-token-42}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: deploy}
                spec:
                  params: [{name: version, required: true}]
                  webhook: {enabled: true, tokenSecretRef: {name: deploy-hook, key: token}}
                  steps:
                    - {name: ship, image: busybox:1.36, command: [sh, -c, 'echo "shipping $PARAM_VERSION"']}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: quiet}
                spec:
                  steps:
                    - {name: s, image: busybox:1.36, command: [echo, hi]}
                """, ns);
        String path = "/webhooks/" + ns + "/deploy";
        // the webhook answers from its informer cache: 401 until it has seen the Workflow
        Reply ok = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> curl(path, "e2e-hook-token-42", "{\"version\": \"1.4.2\"}"), r -> r.status() != 401);
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        String name = ok.body().replaceAll(".*\"name\":\"([^\"]+)\".*", "$1");
        assertThat(name).startsWith("deploy-webhook-");
        Run run = new RunWatch(client, ns, name).awaitFinished(operator);
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(run.getStatus().trigger).isEqualTo("webhook");
        assertThat(run.getStatus().steps.get(0).attempts.get(0).logs).contains("shipping 1.4.2");

        Reply missing = curl(path, "e2e-hook-token-42", "{\"versoin\": \"1\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("missing required param 'version'").contains("unknown param 'versoin'");
        // a wrong or missing token, a Workflow without a webhook and one that does not exist: the same 401
        Reply unauthorized = new Reply(401, "{\"error\":\"unauthorized\"}");
        assertThat(curl(path, "wrong-token", "{\"version\": \"1\"}")).isEqualTo(unauthorized);
        assertThat(curl(path, null, "{\"version\": \"1\"}")).isEqualTo(unauthorized);
        assertThat(curl("/webhooks/" + ns + "/quiet", "e2e-hook-token-42", "{}")).isEqualTo(unauthorized);
        assertThat(curl("/webhooks/" + ns + "/absent", "e2e-hook-token-42", "{}")).isEqualTo(unauthorized);
        // only the one good call made a Run
        assertThat(client.resources(Run.class).inNamespace(ns).list().getItems()).hasSize(1);
        // the token is nowhere in the operator's log
        assertThat(operator.logTail(100000)).doesNotContain("e2e-hook-token-42");
    }
}
