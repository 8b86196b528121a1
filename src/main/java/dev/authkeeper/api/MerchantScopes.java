package dev.authkeeper.api;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.ApiConfig;

/**
 * The merchants a caller may act for on the token route ({@code authkeeper.api.merchant-scopes}),
 * by the IAM role or user that signed the request. A role is named by its IAM ARN; a caller signs
 * as one of its sessions ({@code arn:aws:sts::<account>:assumed-role/<name>/<session>}), which
 * names the role without its path, so roles are matched by account and name.
 */
@ApplicationScoped
public class MerchantScopes {

    private static final String EVERY_MERCHANT = "*";
    private static final Pattern ROLE = Pattern.compile("arn:(aws[a-z-]*):iam::([0-9]{12}):role/(?:[^/]+/)*([^/]+)");
    private static final Pattern SESSION = Pattern.compile("arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role/([^/]+)/[^/]+");
    private static final Pattern USER = Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:user/.+");

    /** Empty when the setting is unset: then every caller may act for every merchant. */
    private final Optional<Map<String, Set<String>>> scopes;

    @Inject
    MerchantScopes(ApiConfig config, ObjectMapper json) {
        this(config.merchantScopes(), json);
    }

    MerchantScopes(Optional<String> setting, ObjectMapper json) {
        this.scopes = setting.filter(s -> !s.isBlank()).map(s -> parse(json, s));
    }

    /** True when the setting is unset or gives the caller every merchant: then nothing need be read to decide. */
    public boolean allowsEveryMerchant(Caller caller) {
        return merchants(caller).map(m -> m.contains(EVERY_MERCHANT)).orElse(true);
    }

    public boolean allows(Caller caller, String merchantId) {
        return merchants(caller).map(m -> m.contains(EVERY_MERCHANT) || m.contains(merchantId)).orElse(true);
    }

    private Optional<Set<String>> merchants(Caller caller) {
        return scopes.map(all -> all.getOrDefault(identity(caller.principal()), Set.of()));
    }

    /** A role's session and the role's IAM ARN (any path) come to the same key; a user is its ARN. */
    static String identity(String arn) {
        for (Pattern pattern : new Pattern[] {ROLE, SESSION}) {
            var match = pattern.matcher(arn);
            if (match.matches()) {
                return match.group(1) + ":" + match.group(2) + ":role/" + match.group(3);
            }
        }
        return arn;
    }

    private static Map<String, Set<String>> parse(ObjectMapper json, String setting) {
        Map<String, Set<String>> parsed;
        try {
            parsed = json.readValue(setting, new TypeReference<Map<String, Set<String>>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("authkeeper.api.merchant-scopes is not a JSON object from IAM ARNs to lists of merchant ids");
        }
        for (String principal : parsed.keySet()) {
            if (!ROLE.matcher(principal).matches() && !USER.matcher(principal).matches()) {
                throw new IllegalArgumentException("authkeeper.api.merchant-scopes names a principal that is not an IAM role or user ARN: "
                        + "use arn:aws:iam::<account>:role/<name> or arn:aws:iam::<account>:user/<name>");
            }
        }
        var byIdentity = new HashMap<String, Set<String>>();
        parsed.forEach((principal, merchants) -> byIdentity.computeIfAbsent(identity(principal), k -> new HashSet<>()).addAll(merchants));
        return Map.copyOf(byIdentity);
    }
}
