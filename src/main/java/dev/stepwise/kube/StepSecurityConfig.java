package dev.stepwise.kube;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The operator-wide security settings of step pods (env STEPWISE_STEPS_RUN_AS_NON_ROOT,
 * STEPWISE_STEPS_RUN_AS_USER); {@link StepSecurity#fromConfig()} reads them. An InstanceType's
 * runAsNonRoot / runAsUser override them.
 */
@ConfigMapping(prefix = "stepwise.steps")
public interface StepSecurityConfig {
    /** true = step containers must run as a non-root user (Pod Security "restricted"). */
    @WithDefault("true")
    boolean runAsNonRoot();

    /** The uid (and gid) of step containers when they run as non-root. */
    @WithDefault("65532")
    long runAsUser();
}
