package dev.authkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class MerchantScopesTest {

    private static MerchantScopes scopes(String setting) {
        return new MerchantScopes(Optional.of(setting), new ObjectMapper());
    }

    @Test
    void aRolesSessionsActForTheMerchantsTheRoleIsGivenWhateverItsPath() {
        var scopes = scopes("""
                {"arn:aws:iam::123456789012:role/teams/eu":["m-1","m-2"],"arn:aws:iam::123456789012:role/support":["*"],
                 "arn:aws:iam::123456789012:user/ops":["m-3"]}""");

        assertThat(scopes.allowsEveryMerchant(new Caller("arn:aws:sts::123456789012:assumed-role/eu/s1"))).isFalse();
        assertThat(scopes.allowsEveryMerchant(new Caller("arn:aws:sts::123456789012:assumed-role/support/s"))).isTrue();
        assertThat(scopes.allows(new Caller("arn:aws:sts::123456789012:assumed-role/eu/s1"), "m-2")).isTrue();
        assertThat(scopes.allows(new Caller("arn:aws:sts::123456789012:assumed-role/eu/s1"), "m-3")).isFalse();
        assertThat(scopes.allows(new Caller("arn:aws:sts::210987654321:assumed-role/eu/s1"), "m-1")).as("another account").isFalse();
        assertThat(scopes.allows(new Caller("arn:aws:sts::123456789012:assumed-role/support/s"), "anyone")).isTrue();
        assertThat(scopes.allows(new Caller("arn:aws:iam::123456789012:user/ops"), "m-3")).isTrue();
        assertThat(scopes.allows(new Caller("arn:aws:sts::123456789012:assumed-role/other/s"), "m-1")).isFalse();
    }

    @Test
    void unsetEveryCallerActsForEveryMerchant() {
        var scopes = new MerchantScopes(Optional.empty(), new ObjectMapper());

        assertThat(scopes.allowsEveryMerchant(new Caller("arn:aws:sts::123456789012:assumed-role/any/s"))).isTrue();
        assertThat(scopes.allows(new Caller("arn:aws:sts::123456789012:assumed-role/any/s"), "m-1")).isTrue();
    }

    @Test
    void aSettingThatIsNotAMapOfIamArnsIsRefusedAtStartUp() {
        assertThatThrownBy(() -> scopes("[\"m-1\"]")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> scopes("{\"eu-product\":[\"m-1\"]}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IAM role or user ARN");
    }
}
