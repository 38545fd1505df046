package dev.stepwise.kube;

import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Says at startup how step pods will run (and so registers the stepwise.steps.* settings with Quarkus). */
@Startup
@Singleton
public class StepSecurityStartup {
    private static final Logger LOG = Logger.getLogger(StepSecurityStartup.class);

    public StepSecurityStartup(StepSecurityConfig config) {
        if (config.runAsNonRoot()) {
            LOG.infof("step pods run as non-root uid %d unless their InstanceType says runAsNonRoot: false "
                    + "(Pod Security restricted)", config.runAsUser());
        } else {
            LOG.warnf("step pods run as their image's user, root included (stepwise.steps.run-as-non-root=false): "
                    + "Pod Security baseline, not restricted");
        }
    }
}
