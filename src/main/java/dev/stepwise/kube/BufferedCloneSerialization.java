package dev.stepwise.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;

/**
 * Fabric8's serialization with a cheaper deep copy. JOSDK copies every Run before each reconcile
 * through {@link #clone}, which Fabric8 does by writing JSON text and parsing it back (costly for big
 * Runs; bench/README.md has the profile). Here the copy goes through Jackson's
 * token buffer instead: the same serializers and deserializers, without the text in between.
 */
public class BufferedCloneSerialization extends KubernetesSerialization {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(BufferedCloneSerialization.class);
    private static final java.util.Set<Class<?>> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ObjectMapper mapper;

    public BufferedCloneSerialization(ObjectMapper mapper) {
        super(mapper, false);
        this.mapper = mapper;
    }

    @Override
    public <T> T clone(T resource) {
        if (resource == null) {
            return null;
        }
        try {
            return bufferedCopy(resource);
        } catch (IOException | RuntimeException e) {
            // a fast path that fails must not fail silently: a type Jackson cannot buffer is a bug to fix
            if (WARNED.add(resource.getClass())) {
                LOG.warnf(e, "copying a %s through Jackson's token buffer failed; copying it as JSON text instead (told once per type)",
                        resource.getClass().getSimpleName());
            }
            return super.clone(resource); // the way Fabric8 does it, which also says what went wrong
        }
    }

    @SuppressWarnings("unchecked")
    <T> T bufferedCopy(T resource) throws IOException {
        try (TokenBuffer buffer = new TokenBuffer(mapper, false)) {
            mapper.writeValue(buffer, resource);
            return (T) mapper.readValue(buffer.asParser(), resource.getClass());
        }
    }
}
