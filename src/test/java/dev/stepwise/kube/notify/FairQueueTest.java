package dev.stepwise.kube.notify;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FairQueueTest {

    @Test
    void oneTaskPerKeyRunsAndTheOthersKeysDoNotWaitForIt() {
        FairQueue<String> q = new FairQueue<>(1, 16, 20);
        assertThat(q.offer("slow", "slow-1").start()).containsExactly("slow-1");
        assertThat(q.offer("slow", "slow-2").start()).isEmpty();
        assertThat(q.offer("fast", "fast-1").start()).containsExactly("fast-1");
        assertThat(q.finished("fast")).isEmpty();
        assertThat(q.offer("fast", "fast-2").start()).containsExactly("fast-2");
        assertThat(q.finished("slow")).containsExactly("slow-2");
        assertThat(q.running()).isEqualTo(2);
        assertThat(q.waiting()).isZero();
    }

    @Test
    void whenAllSlotsAreTakenKeysTakeTurns() {
        FairQueue<String> q = new FairQueue<>(1, 1, 20);
        List<String> started = new ArrayList<>(q.offer("a", "a1").start());
        q.offer("a", "a2");
        q.offer("a", "a3");
        q.offer("b", "b1");
        q.offer("c", "c1");
        started.addAll(q.finished("a"));
        started.addAll(q.finished("b"));
        started.addAll(q.finished("c"));
        started.addAll(q.finished("a"));
        assertThat(started).containsExactly("a1", "b1", "c1", "a2", "a3");
        assertThat(q.finished("a")).isEmpty();
        assertThat(q.running()).isZero();
    }

    @Test
    void aFullQueuePushesOutItsOldestWaitingTask() {
        FairQueue<String> q = new FairQueue<>(1, 4, 2);
        q.offer("ns", "1");
        q.offer("ns", "2");
        q.offer("ns", "3");
        FairQueue.Changes<String> c = q.offer("ns", "4");
        assertThat(c.start()).isEmpty();
        assertThat(c.dropped()).containsExactly("2");
        assertThat(q.offer("other", "x").dropped()).isEmpty();
        assertThat(q.finished("ns")).containsExactly("3");
        assertThat(q.finished("ns")).containsExactly("4");
    }

    @Test
    void removedTasksNeverStart() {
        FairQueue<String> q = new FairQueue<>(1, 4, 20);
        q.offer("ns", "gone-1");
        q.offer("ns", "gone-2");
        q.offer("ns", "kept");
        q.offer("other", "gone-3");
        assertThat(q.remove(t -> t.startsWith("gone"))).containsExactly("gone-2");
        assertThat(q.finished("ns")).containsExactly("kept");
        assertThat(q.finished("ns")).isEmpty();
        assertThat(q.waiting()).isZero();
        assertThatThrownBy(() -> q.finished("ns")).isInstanceOf(IllegalStateException.class);
    }
}
