package dev.stepwise.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;

import java.util.Set;

/** Lets one controller ask another to look at one of its resources now (an event with no resource behind it). */
abstract class Wakeups<P extends HasMetadata> extends AbstractEventSource<Void, P> {

    Wakeups(String name) {
        super(Void.class, name);
    }

    @Override
    public Set<Void> getSecondaryResources(P primary) {
        return Set.of();
    }

    public void wake(ResourceID id) {
        if (isRunning() && getEventHandler() != null) {
            getEventHandler().handleEvent(new Event(id));
        }
    }
}
