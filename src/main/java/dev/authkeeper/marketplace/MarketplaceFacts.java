package dev.authkeeper.marketplace;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One marketplace's facts, read from {@code marketplaces/{id}.json} and checked against
 * {@code marketplaces/marketplace.schema.json} at start-up (see the schema for what each field
 * means). The flows are code; what differs between marketplaces as data lives here.
 */
@RegisterForReflection
public record MarketplaceFacts(
        String id,
        String displayName,
        Account account,
        Map<String, Region> regions,
        Map<String, Portal> portals,
        Optional<AccountHost> accountHost,
        Optional<ConsentPortal> consentPortal,
        Token token,
        Authorization authorization,
        Optional<ClientSecret> clientSecret,
        Wording wording,
        Map<String, Quota> quotas,
        Sweep sweep,
        List<String> sources) {

    public enum Case { UPPER, LOWER, PRESERVE }

    /** The seller's account identity: the last part of a connection id. */
    @RegisterForReflection
    public record Account(String words, String pattern, @JsonProperty("case") Case caseRule, String eventField) {

        /** The account id as connections store it, if {@code raw} is one of this marketplace's. */
        public Optional<String> canonical(String raw) {
            if (raw == null || !Pattern.compile(pattern).matcher(raw).matches()) {
                return Optional.empty();
            }
            return Optional.of(switch (caseRule) {
                case UPPER -> raw.toUpperCase(Locale.ROOT);
                case LOWER -> raw.toLowerCase(Locale.ROOT);
                case PRESERVE -> raw;
            });
        }
    }

    @RegisterForReflection
    public record Region(String name, String apiEndpoint, String defaultPortalHost) {
    }

    @RegisterForReflection
    public record Portal(String name, Map<String, String> hosts) {
    }

    @RegisterForReflection
    public record AccountHost(String suffix) {
    }

    /** The one place every seller of a marketplace without regions or account hosts consents (eBay's sign-in). */
    @RegisterForReflection
    public record ConsentPortal(String name, String host) {
    }

    public enum ClientAuthentication { BODY, BASIC, QUERY, NONE }

    public enum BodyFormat { FORM, JSON, QUERY }

    public enum ExpiryEncoding { RELATIVE, ABSOLUTE }

    public enum ErrorClass { AUTHORIZATION, APPLICATION, UNEXPECTED }

    public enum RefreshLifetime { UNLIMITED, SLIDING, FIXED }

    @RegisterForReflection
    public record Token(String endpoint, ClientAuthentication clientAuthentication, BodyFormat bodyFormat, boolean pkce,
            Duration accessTokenLifetime, Optional<ExpiryEncoding> expiryEncoding, Optional<Duration> codeLifetime,
            RefreshToken refreshToken, Map<String, ErrorClass> errors, Optional<List<DeadAnswer>> deadAnswers,
            Optional<Envelope> envelope) {

        /** What an error code of the token endpoint means; a code the marketplace does not document concludes nothing. */
        public ErrorClass classify(String error) {
            return errors.getOrDefault(error, ErrorClass.UNEXPECTED);
        }

        /** Whether an answer under a catch-all code still says the authorization is dead, by its exact description. */
        public boolean dead(String error, String description) {
            return deadAnswers.orElse(List.of()).stream().anyMatch(a -> a.error().equals(error) && a.description().equals(description));
        }
    }

    /** What a numeric code in a token answer's envelope means (TikTok Shop answers HTTP 200 with {@code code}). */
    public enum CodeClass { GRANTED, AUTHORIZATION, APPLICATION, TRANSIENT, UNEXPECTED }

    /**
     * A token endpoint that answers every call with HTTP 200 and a numeric {@code code} in an
     * envelope: what each code means, and the codes whose meaning depends on their message.
     */
    @RegisterForReflection
    public record Envelope(Map<String, CodeClass> codes, Optional<List<MessageRule>> messageRules) {

        /** What {@code code} with {@code message} means; a code the file does not name concludes nothing. */
        public CodeClass classify(String code, String message) {
            return messageRules.orElse(List.of()).stream()
                    .filter(rule -> rule.code().equals(code) && message.contains(rule.messageContains()))
                    .map(MessageRule::meaning).findFirst()
                    .orElseGet(() -> codes.getOrDefault(code, CodeClass.UNEXPECTED));
        }
    }

    /** A code reused for several failures, told apart by a fixed part of its message. */
    @RegisterForReflection
    public record MessageRule(String code, String messageContains, CodeClass meaning, String source) {
    }

    @RegisterForReflection
    public record RefreshToken(boolean rotates, RefreshLifetime lifetime, Optional<Duration> window, boolean previousValidUntilNewUsed,
            Optional<Duration> previousGrace) {

        /** Whether checks {@code checkEvery} apart keep a refresh token alive: a sliding window holds at least three of them. */
        public boolean keptAliveBy(Duration checkEvery) {
            return lifetime != RefreshLifetime.SLIDING || window.filter(w -> checkEvery.multipliedBy(3).compareTo(w) > 0).isEmpty();
        }
    }

    @RegisterForReflection
    public record DeadAnswer(String error, String description, String source) {
    }

    @RegisterForReflection
    public record Authorization(Optional<Duration> reconsentEvery) {
    }

    @RegisterForReflection
    public record ClientSecret(Duration rotateEvery, Optional<Duration> oldSecretGrace) {
    }

    @RegisterForReflection
    public record Wording(String portal, Map<String, Reason> reasons, Optional<String> renewal) {
    }

    @RegisterForReflection
    public record Reason(String text, String shortText) {

        @JsonCreator
        public Reason(@JsonProperty("text") String text, @JsonProperty("short") String shortText) {
            this.text = text;
            this.shortText = shortText;
        }
    }

    @RegisterForReflection
    public record Quota(double limit, Duration per, String scope, String words) {
    }

    /** How often the sweep proves each connection ({@code checkEvery}, whole days), and why. */
    @RegisterForReflection
    public record Sweep(Duration checkEvery, String words) {
    }

    /** The region's name in words; the code itself for one this marketplace does not have. */
    public String regionName(String region) {
        return Optional.ofNullable(regions.get(region)).map(Region::name).orElse(region);
    }

    /** The reason a marketplace refused an authorization, in its words; every reason it can give is in its file. */
    public Reason reason(String code) {
        var reason = wording.reasons().get(code);
        if (reason == null) {
            throw new IllegalStateException("marketplaces/" + id + ".json has no wording for the reason " + code);
        }
        return reason;
    }

    public boolean hasRegions() {
        return !regions.isEmpty();
    }
}
