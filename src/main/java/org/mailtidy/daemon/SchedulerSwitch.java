package org.mailtidy.daemon;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.mailtidy.cluster.ClusterNode;
import org.mailtidy.schedule.DaemonMetrics;
import org.mailtidy.schedule.QuartzJobs;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pauses and resumes firing as the cluster node's standing changes (never after a stop). */
final class SchedulerSwitch implements ClusterNode.Control {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerSwitch.class);

    private final Supplier<QuartzJobs> quartz;
    private final DaemonMetrics metrics;
    private final BooleanSupplier stopping;

    SchedulerSwitch(Supplier<QuartzJobs> quartz, DaemonMetrics metrics, BooleanSupplier stopping) {
        this.quartz = quartz;
        this.metrics = metrics;
        this.stopping = stopping;
    }

    @Override
    public void pause() {
        try {
            if (quartz.get().running()) {
                quartz.get().standby();
            }
        } catch (SchedulerException e) {
            LOG.warn("pausing the scheduler: {}", e.toString());
        }
        metrics.schedulerRunning(false);
    }

    @Override
    public void resume() {
        if (stopping.getAsBoolean() || quartz.get().running()) {
            return;
        }
        try {
            quartz.get().start();
            metrics.schedulerRunning(true);
        } catch (SchedulerException e) {
            LOG.warn("starting the scheduler: {}", e.toString());
        }
    }
}
