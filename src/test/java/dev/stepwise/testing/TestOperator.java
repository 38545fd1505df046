package dev.stepwise.testing;

import dev.stepwise.kube.notify.AddressPolicy;
import dev.stepwise.kube.notify.Notifier;
import dev.stepwise.reconcile.RevisionReconciler;
import dev.stepwise.reconcile.RunReconciler;
import dev.stepwise.reconcile.StepwiseConfig;
import dev.stepwise.reconcile.WorkflowReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.vertx.core.Vertx;

import java.time.Duration;

/** Our reconcilers in a plain JOSDK Operator (no Quarkus), with a clock the test controls. */
public final class TestOperator implements AutoCloseable {
    private final Operator operator;
    private final Vertx vertx = Vertx.vertx();
    private final Notifier notifier;
    public final MutableClock clock;

    public TestOperator(KubernetesClient client, MutableClock clock) {
        this.clock = clock;
        this.operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .withStopOnInformerErrorDuringStartup(false));
        var wakeups = new dev.stepwise.reconcile.RunWakeups();
        var workflowWakeups = new dev.stepwise.reconcile.WorkflowWakeups();
        var runs = new dev.stepwise.reconcile.RunIndex();
        var workflows = new dev.stepwise.reconcile.WorkflowIndex();
        operator.register(new WorkflowReconciler(clock, wakeups, workflowWakeups, runs, workflows));
        notifier = new Notifier(vertx, clock, AddressPolicy.strict());
        operator.register(new RunReconciler(clock, config(), wakeups, new dev.stepwise.reconcile.AdmissionLedger(), workflowWakeups, runs, workflows,
                notifier));
        operator.register(new RevisionReconciler(runs));
        operator.start();
    }

    public static StepwiseConfig config() {
        return new StepwiseConfig() {
            @Override
            public int logTailBytes() {
                return 2048;
            }

            @Override
            public String gitImage() {
                return "docker.io/alpine/git:v2.47.2";
            }

            @Override
            public Duration workflowWaitTimeout() {
                return Duration.ofSeconds(20);
            }

            @Override
            public Duration defaultPendingTimeout() {
                return Duration.ofMinutes(30);
            }

            @Override
            public int disruptionRetryLimit() {
                return 3;
            }

            @Override
            public Duration finishedJobTtl() {
                return Duration.ofHours(1);
            }
        };
    }

    @Override
    public void close() {
        operator.stop();
        notifier.close();
        vertx.close();
    }
}
