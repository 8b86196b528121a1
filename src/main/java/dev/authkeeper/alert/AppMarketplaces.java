package dev.authkeeper.alert;

import java.util.Optional;
import java.util.Set;

/**
 * Which marketplace each of the integrator's apps is registered with, for operator alerts to speak
 * of it in its own words. The apps are configured in a room above this one, which implements it.
 */
public interface AppMarketplaces {

    /** The marketplace id of the app configured as {@code app}; empty for an app no longer configured. */
    Optional<String> marketplaceOf(String app);

    /** The ids of the marketplaces this deployment's apps are registered with. */
    Set<String> inUse();
}
