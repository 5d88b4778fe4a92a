using System.Text.Json.Nodes;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.ServerApi.Transport;

public class XMatrixAuthorizationTests
{
    [Fact]
    public void A_created_header_parses_back_and_verifies()
    {
        using var key = SigningKey.Generate();
        var body = new JsonObject { ["a"] = 1 };
        var header = XMatrixAuthorization.CreateHeader("origin.test", "dest.test", "PUT", "/_matrix/federation/v1/send/1", body, key);

        XMatrixAuthorization.TryParse(header, out var credentials).Should().BeTrue();

        credentials.Should().Be(new XMatrixCredentials("origin.test", "dest.test", key.KeyId, credentials.Signature));
        XMatrixAuthorization.Verify(credentials, "PUT", "/_matrix/federation/v1/send/1", "dest.test", body, VerifyKey.FromSigningKey(key))
            .Should().BeTrue();
    }

    [Theory]
    [InlineData("X-Matrix origin=\"a.test\",destination=\"b.test\",key=\"ed25519:1\",sig=\"c2ln\"")]
    [InlineData("X-Matrix origin=a.test,destination=b.test,key=ed25519:1,sig=c2ln")]
    [InlineData("x-matrix ORIGIN=a.test, Destination=\"b.test\" ,\tKEY=\"ed25519:1\",Sig=c2ln")]
    [InlineData("X-Matrix origin=\"a\\.test\",destination=\"b.test\",key=\"ed25519:\\1\",sig=\"c2ln\",unknown=\"x y\"")]
    [InlineData("X-Matrix   sig=c2ln,key=ed25519:1,destination=b.test,origin=a.test")]
    public void Quoted_unquoted_escaped_and_reordered_forms_parse_alike(string header)
    {
        XMatrixAuthorization.TryParse(header, out var credentials).Should().BeTrue();

        credentials.Should().Be(new XMatrixCredentials("a.test", "b.test", "ed25519:1", "c2ln"));
    }

    [Fact]
    public void The_destination_may_be_left_out_by_older_servers()
    {
        XMatrixAuthorization.TryParse("X-Matrix origin=a.test,key=\"ed25519:1\",sig=\"c2ln\"", out var credentials).Should().BeTrue();

        credentials.Destination.Should().BeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("X-Matrix")]
    [InlineData("X-Matrixorigin=a.test,key=ed25519:1,sig=c2ln")]
    [InlineData("X-Matrix key=ed25519:1,sig=c2ln")]
    [InlineData("X-Matrix origin=a.test,sig=c2ln")]
    [InlineData("X-Matrix origin=a.test,key=ed25519:1")]
    [InlineData("X-Matrix origin=\"\",key=ed25519:1,sig=c2ln")]
    [InlineData("X-Matrix origin=\"a.test,key=ed25519:1,sig=c2ln")]
    [InlineData("X-Matrix origin=a.test key=ed25519:1,sig=c2ln")]
    [InlineData("X-Matrix origin=a.test,origin=b.test,key=ed25519:1,sig=c2ln")]
    [InlineData("X-Matrix =a.test,key=ed25519:1,sig=c2ln")]
    [InlineData("X-Matrix origin=,key=ed25519:1,sig=c2ln")]
    [InlineData("X-Matrix origin=a.test,key=ed25519:1,sig=\"c2ln\\")]
    [InlineData("X-Matrix \u0000\u0001\u0002")]
    public void Garbage_and_missing_parts_are_refused(string? header)
    {
        XMatrixAuthorization.TryParse(header, out _).Should().BeFalse();
    }

    [Fact]
    public void A_huge_header_is_refused_without_parsing()
    {
        XMatrixAuthorization.TryParse("X-Matrix origin=a.test,key=ed25519:1,sig=" + new string('a', 10_000), out _).Should().BeFalse();
    }

    [Fact]
    public void Verification_fails_for_any_change_of_what_was_signed()
    {
        using var key = SigningKey.Generate();
        using var otherKey = SigningKey.Generate();
        var body = new JsonObject { ["a"] = 1 };
        var header = XMatrixAuthorization.CreateHeader("origin.test", "dest.test", "POST", "/_matrix/x?y=1", body, key);
        XMatrixAuthorization.TryParse(header, out var credentials).Should().BeTrue();
        var verifyKey = VerifyKey.FromSigningKey(key);

        XMatrixAuthorization.Verify(credentials, "PUT", "/_matrix/x?y=1", "dest.test", body, verifyKey).Should().BeFalse("the method differs");
        XMatrixAuthorization.Verify(credentials, "POST", "/_matrix/x?y=2", "dest.test", body, verifyKey).Should().BeFalse("the target differs");
        XMatrixAuthorization.Verify(credentials, "POST", "/_matrix/x?y=1", "other.test", body, verifyKey).Should().BeFalse("the destination differs");
        XMatrixAuthorization.Verify(credentials, "POST", "/_matrix/x?y=1", "dest.test", new JsonObject { ["a"] = 2 }, verifyKey)
            .Should().BeFalse("the body differs");
        XMatrixAuthorization.Verify(credentials, "POST", "/_matrix/x?y=1", "dest.test", null, verifyKey).Should().BeFalse("the body is missing");
        XMatrixAuthorization.Verify(credentials with { Origin = "evil.test" }, "POST", "/_matrix/x?y=1", "dest.test", body, verifyKey)
            .Should().BeFalse("the origin differs");
        XMatrixAuthorization.Verify(credentials, "POST", "/_matrix/x?y=1", "dest.test", body, new VerifyKey(key.KeyId, otherKey.PublicKey))
            .Should().BeFalse("another key");
        XMatrixAuthorization.Verify(credentials with { Signature = "not base64!" }, "POST", "/_matrix/x?y=1", "dest.test", body, verifyKey)
            .Should().BeFalse("the signature is not base64");
        XMatrixAuthorization.Verify(credentials, "POST", "/_matrix/x?y=1", "dest.test", body, verifyKey).Should().BeTrue();
    }
}
