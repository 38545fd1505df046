package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import jakarta.inject.Singleton;

/**
 * Lets one controller ask for a Run to be looked at now: the Workflow controller wakes its Queued
 * Runs when a Run of it was created, ended or deleted, so a freed slot is taken at once.
 */
@Singleton
public class RunWakeups extends AbstractEventSource<Void, Run> {

    public RunWakeups() {
        super(Void.class, "run-wakeups");
    }

    @Override
    public java.util.Set<Void> getSecondaryResources(Run primary) {
        return java.util.Set.of();
    }

    public void wake(ResourceID run) {
        if (isRunning() && getEventHandler() != null) {
            getEventHandler().handleEvent(new Event(run));
        }
    }
}
