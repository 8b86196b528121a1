package dev.authkeeper.marketplace;

/** The verdict on a launch request: usable, or refused with the reason a person can act on. */
public sealed interface LaunchCheck {

    record Valid(LaunchRequest request) implements LaunchCheck {
    }

    record Refused(String reason) implements LaunchCheck {
    }
}
