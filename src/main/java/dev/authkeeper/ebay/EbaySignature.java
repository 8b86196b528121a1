package dev.authkeeper.ebay;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * eBay's {@code X-EBAY-SIGNATURE} header: base64 of the JSON
 * {@code {"alg":"ecdsa","kid":"…","signature":"<base64 DER>","digest":"SHA1"}}, an ECDSA signature
 * with SHA-1 over the delivery's body, made with the key eBay's Notification API gives for
 * {@code kid} ({@code eBay/event-notification-nodejs-sdk}, {@code lib/validator.js}).
 */
record EbaySignature(String kid, byte[] signature) {

    static final String HEADER = "X-EBAY-SIGNATURE";
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int MAX_HEADER = 2048;

    /** The header's key id and signature, if it is one eBay would send; empty for anything else. */
    static Optional<EbaySignature> parse(Optional<String> header, ObjectMapper json) {
        if (header.isEmpty() || header.get().length() > MAX_HEADER) {
            return Optional.empty();
        }
        try {
            JsonNode fields = json.readTree(Base64.getDecoder().decode(header.get().strip()));
            if (fields == null || !fields.isObject() || !"ecdsa".equalsIgnoreCase(fields.path("alg").asText())
                    || !"SHA1".equalsIgnoreCase(fields.path("digest").asText())) {
                return Optional.empty();
            }
            String kid = fields.path("kid").asText();
            byte[] signature = Base64.getDecoder().decode(fields.path("signature").asText());
            return KID.matcher(kid).matches() && signature.length > 0 ? Optional.of(new EbaySignature(kid, signature)) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether the signature is {@code key}'s over {@code body}. */
    boolean verifies(PublicKey key, byte[] body) {
        try {
            Signature ecdsa = Signature.getInstance("SHA1withECDSA");
            ecdsa.initVerify(key);
            ecdsa.update(body);
            return ecdsa.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
