package dev.authkeeper.benchmark;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.authkeeper.config.SweepConfig;
import io.smallrye.config.SmallRyeConfig;

/**
 * The sweep's configuration as configured, except the checks in flight per worker, which the
 * benchmark changes between runs without restarting the application (and so without seeding again).
 * Selected only in the benchmark's profile ({@code quarkus.arc.selected-alternatives}).
 */
@Singleton
public class TunableSweepConfig {

    private final AtomicInteger concurrency = new AtomicInteger();

    /** Checks in flight per worker from the next unit of work on; 0 for the configured value. */
    void concurrency(int inFlight) {
        concurrency.set(inFlight);
    }

    @Produces
    @Alternative
    @Singleton
    SweepConfig sweepConfig() {
        SweepConfig configured = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(SweepConfig.class);
        return (SweepConfig) Proxy.newProxyInstance(SweepConfig.class.getClassLoader(), new Class<?>[] {SweepConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("concurrency") && concurrency.get() > 0) {
                        return concurrency.get();
                    }
                    try {
                        return method.invoke(configured, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
