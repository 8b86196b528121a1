package dev.authkeeper.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** One application per exported function, as each Lambda runs it, plus the local gateway. */
public final class Profiles {

    private Profiles() {
    }

    public static class LoginFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "login");
        }
    }

    public static class AuthorizeFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "authorize");
        }
    }

    public static class CallbackFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "callback");
        }
    }

    public static class SweepFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "sweep");
        }
    }

    public static class AppNotificationsFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "app-notifications");
        }
    }

    /** The daily check with automatic rotation on. */
    public static class AppCredentialsCheckFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "app-credentials-check",
                    "authkeeper.app-credentials.auto-rotate", "true");
        }
    }

    public static class SweepWorkerFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "sweep-worker");
        }
    }

    /** The local run's gateway in front of all functions; the test resource provides the services. */
    public static class LocalRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "authkeeper.local.enabled", "true",
                    "authkeeper.local.embedded-services", "false",
                    "authkeeper.session.sign-in-url", "/local/sign-in");
        }
    }
}
