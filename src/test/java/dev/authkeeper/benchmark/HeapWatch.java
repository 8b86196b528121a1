package dev.authkeeper.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The heap during a run: the highest use sampled every 20 ms (garbage included, so it depends on
 * when the collector runs) and the highest use right after a collection (what the run keeps alive).
 */
final class HeapWatch implements AutoCloseable {

    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakLive = new AtomicLong();
    private final Thread sampler;
    private final List<NotificationEmitter> collectors;
    private final NotificationListener listener = this::collected;

    private HeapWatch() {
        var memory = ManagementFactory.getMemoryMXBean();
        sampler = Thread.ofPlatform().daemon().name("heap-watch").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        collectors = ManagementFactory.getGarbageCollectorMXBeans().stream().map(NotificationEmitter.class::cast).toList();
        collectors.forEach(gc -> gc.addNotificationListener(listener, null, null));
    }

    /** Starts watching after a full collection, so that the run starts from what is live. */
    static HeapWatch start() {
        System.gc();
        return new HeapWatch();
    }

    long peakUsedMb() {
        return peakUsed.get() >> 20;
    }

    long peakLiveMb() {
        return peakLive.get() >> 20;
    }

    private void collected(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long live = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            var after = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
            if (pool.getType() == MemoryType.HEAP && after != null) {
                live += after.getUsed();
            }
        }
        peakLive.accumulateAndGet(live, Math::max);
    }

    @Override
    public void close() {
        sampler.interrupt();
        for (var gc : collectors) {
            try {
                gc.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException e) {
                // never added: nothing to remove
            }
        }
    }
}
