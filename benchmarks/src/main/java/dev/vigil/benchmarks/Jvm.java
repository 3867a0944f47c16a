package dev.vigil.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;

/** What the benchmarks read from the JVM and the OS: CPU time, heap after a full GC, live threads. */
final class Jvm {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Jvm() {
    }

    /** {@return CPU time used by this process so far, all threads, in nanoseconds} */
    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    /**
     * {@return CPU time used so far by another process, in nanoseconds (on Linux, at the kernel's clock-tick
     * resolution, 10 ms)}
     *
     * @param process the process
     */
    static long processCpuNanos(ProcessHandle process) {
        Optional<Duration> cpu = process.info().totalCpuDuration();
        return cpu.map(Duration::toNanos).orElseThrow(
                () -> new IllegalStateException("no CPU time for process " + process.pid()));
    }

    /** {@return heap in use after full collections, in bytes} */
    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        // Several rounds: a finalizer or reference handler may free more on the next one.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** {@return live platform threads of this JVM (virtual threads are not counted)} */
    static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
