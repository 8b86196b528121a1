package dev.authkeeper.crypto;

/**
 * What a sealed token is for. The kind is bound into the key derivation and the associated data,
 * so a token sealed as one kind never opens as the other.
 */
public enum TokenKind {
    REFRESH,
    ACCESS,
    /** A PKCE code verifier, sealed with the OAuth state it belongs to until the callback consumes both. */
    CODE_VERIFIER
}
