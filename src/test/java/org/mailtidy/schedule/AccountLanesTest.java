package org.mailtidy.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AccountLanesTest {

    @Test
    void threadsStayWithinTheBoundAndEachAccountRunsOneTaskAtATime() throws Exception {
        AccountLanes lanes = new AccountLanes("test", 4);
        lanes.sizeFor(10);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Map<String, AtomicInteger> perAccount = new ConcurrentHashMap<>();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(10 * 100);
        for (int key = 0; key < 100; key++) {
            for (int a = 0; a < 10; a++) {
                String account = "a" + a;
                assertThat(lanes.submit(account, key, () -> {
                    threads.add(Thread.currentThread());
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    if (perAccount.computeIfAbsent(account, k -> new AtomicInteger()).incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    Thread.onSpinWait();
                    perAccount.get(account).decrementAndGet();
                    running.decrementAndGet();
                    done.countDown();
                })).isTrue();
            }
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(peak.get()).isBetween(1, 4);
        assertThat(threads.size()).isLessThanOrEqualTo(4);
        assertThat(overlaps.get()).as("two tasks of one account at once").isZero();
        lanes.shutdown();
    }

    @Test
    void aStuckAccountHoldsOneThreadAndTheOthersGoOn() throws Exception {
        AccountLanes lanes = new AccountLanes("test", 2);
        lanes.sizeFor(3);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stuck = new CountDownLatch(1);
        lanes.submit("bad", "run", () -> {
            stuck.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch others = new CountDownLatch(2 * 50);
        for (int i = 0; i < 50; i++) {
            lanes.submit("good1", i, others::countDown);
            lanes.submit("good2", i, others::countDown);
        }
        assertThat(others.await(30, TimeUnit.SECONDS)).as("the good accounts ran while the bad one hung").isTrue();
        release.countDown();
        lanes.shutdown();
    }

    @Test
    void aKeyThatStillWaitsIsNotQueuedTwice() throws Exception {
        AccountLanes lanes = new AccountLanes("test", 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        lanes.submit("a", "blocker", () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lanes.submit("a", "job", runs::incrementAndGet)).isTrue();
        assertThat(lanes.submit("a", "job", runs::incrementAndGet)).as("the waiting firing covers it").isFalse();
        assertThat(lanes.waiting()).isEqualTo(1);
        CountDownLatch after = new CountDownLatch(1);
        lanes.submit("a", "last", after::countDown);
        release.countDown();
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runs.get()).isEqualTo(1);
        lanes.shutdown();
        assertThat(lanes.submit("a", "late", runs::incrementAndGet)).isFalse();
    }
}
