package dev.authkeeper.alert;

/**
 * What an outbox entry says beyond its kind and subject; which one an entry carries follows from
 * its kind ({@link #read}). The outbox stores it as one string, the form entries have always had,
 * so entries written by any release read back.
 */
public sealed interface AlertDetail {

    /** The string kept in the entry's {@code detail} attribute. */
    String stored();

    /** Nothing beyond the kind: an authorization, a reconnection, a disconnection event. */
    record None() implements AlertDetail {
        @Override
        public String stored() {
            return "";
        }
    }

    /** The probable reason a connection needs reauthorization or was disconnected, as a code such as {@code REVOKED_OR_CHANGED}. */
    record Reason(String code) implements AlertDetail {
        @Override
        public String stored() {
            return code;
        }
    }

    /** Whole days left before the authorization expires. */
    record DaysLeft(int days) implements AlertDetail {
        @Override
        public String stored() {
            return Integer.toString(days);
        }
    }

    /** The merchant that holds the connection a claim contests, or that held it before a transfer. */
    record Holder(String merchantId) implements AlertDetail {
        @Override
        public String stored() {
            return merchantId;
        }
    }

    /** How old an app's client secret is, in whole days. */
    record SecretAge(long days) implements AlertDetail {
        private static final String UNIT = " days";

        @Override
        public String stored() {
            return days + UNIT;
        }

        static SecretAge parse(String stored) {
            return new SecretAge(Long.parseLong(stored.substring(0, stored.length() - UNIT.length())));
        }
    }

    /** Words for operators or the integrator's app: an incident's detail, what a marketplace's notice said. */
    record Text(String text) implements AlertDetail {
        @Override
        public String stored() {
            return text;
        }
    }

    /** The detail of an entry of {@code kind} from its stored form. */
    static AlertDetail read(AlertKind kind, String stored) {
        return switch (kind) {
            case NEEDS_REAUTHORIZATION, REMINDER, DISCONNECTED, EVENT_NEEDS_REAUTHORIZATION -> new Reason(stored);
            case EXPIRY_WARNING, EVENT_AUTHORIZATION_EXPIRING -> new DaysLeft(Integer.parseInt(stored));
            case SELLER_CONFLICT, EVENT_TRANSFERRED -> new Holder(stored);
            case APP_SECRET_AGING -> SecretAge.parse(stored);
            case RECONNECTED, EVENT_AUTHORIZED, EVENT_REAUTHORIZED, EVENT_RECONNECTED, EVENT_DISCONNECTED -> new None();
            case APP_CREDENTIALS_REJECTED, LWA_OUTAGE, MASS_REJECTION, AWS_DEPENDENCY_FAILING, APP_SECRET_EXPIRING, APP_SECRET_ROTATED,
                    APP_SECRET_ROTATION_FAILED, APP_NOTIFICATION_REFUSED, EVENT_APP_CREDENTIALS_REJECTED, EVENT_APP_CREDENTIALS_RESTORED,
                    EVENT_APP_SECRET_EXPIRING -> new Text(stored);
        };
    }
}
