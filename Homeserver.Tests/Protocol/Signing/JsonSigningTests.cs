using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.Protocol.Signing;

public class JsonSigningTests
{
    private static readonly byte[] Seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Signed_object_verifies_and_keeps_unsigned_and_other_signatures()
    {
        using var key = SigningKey.FromSeed("abc", Seed);
        var obj = new JsonObject
        {
            ["a"] = 1,
            ["unsigned"] = new JsonObject { ["age"] = 5 },
            ["signatures"] = new JsonObject { ["other.org"] = new JsonObject { ["ed25519:x"] = "sig" } },
        };

        JsonSigner.Sign(obj, "example.org", key);

        obj["unsigned"]!["age"]!.GetValue<int>().Should().Be(5);
        obj["signatures"]!["other.org"]!["ed25519:x"]!.GetValue<string>().Should().Be("sig");
        JsonSignatureVerifier.Verify(obj, "example.org", [VerifyKey.FromSigningKey(key)]).IsValid.Should().BeTrue();

        obj["unsigned"] = new JsonObject { ["age"] = 99 };
        JsonSignatureVerifier.Verify(obj, "example.org", [VerifyKey.FromSigningKey(key)]).IsValid.Should().BeTrue();
        obj["a"] = 2;
        JsonSignatureVerifier.Verify(obj, "example.org", [VerifyKey.FromSigningKey(key)]).Reason.Should().Contain("does not match");
    }

    [Fact]
    public void Unknown_algorithms_and_keys_are_skipped_but_one_known_signature_is_required()
    {
        using var key = SigningKey.FromSeed("abc", Seed);
        var obj = new JsonObject { ["a"] = 1 };
        JsonSigner.Sign(obj, "example.org", key);
        obj["signatures"]!["example.org"]!["curve25519:zzz"] = "whatever";
        obj["signatures"]!["example.org"]!["ed25519:unknown"] = "whatever";

        JsonSignatureVerifier.Verify(obj, "example.org", [VerifyKey.FromSigningKey(key)]).IsValid.Should().BeTrue();
        JsonSignatureVerifier.Verify(obj, "example.org", []).IsValid.Should().BeFalse();
        JsonSignatureVerifier.Verify(obj, "elsewhere.org", [VerifyKey.FromSigningKey(key)]).Reason.Should().Contain("no signature from elsewhere.org");
    }

    [Fact]
    public void Expired_keys_count_as_unknown_only_when_a_time_is_given()
    {
        using var key = SigningKey.FromSeed("abc", Seed);
        var obj = new JsonObject { ["a"] = 1 };
        JsonSigner.Sign(obj, "example.org", key);
        var expiring = VerifyKey.FromSigningKey(key, validUntilTs: 1000);

        JsonSignatureVerifier.Verify(obj, "example.org", [expiring]).IsValid.Should().BeTrue();
        JsonSignatureVerifier.Verify(obj, "example.org", [expiring], validAtTs: 1000).IsValid.Should().BeTrue();
        JsonSignatureVerifier.Verify(obj, "example.org", [expiring], validAtTs: 1001).IsValid.Should().BeFalse();
    }

    [Theory]
    [InlineData("{\"signatures\":{\"s\":{\"ed25519:abc\":5}}}", "not a string")]
    [InlineData("{\"signatures\":{\"s\":{\"ed25519:abc\":\"!!!\"}}}", "not 64 bytes")]
    [InlineData("{\"signatures\":{\"s\":[]}}", "not an object")]
    [InlineData("{\"signatures\":[]}", "no signatures")]
    public void Malformed_signatures_fail_with_a_reason(string json, string reason)
    {
        using var key = SigningKey.FromSeed("abc", Seed);
        var obj = JsonNode.Parse(json)!.AsObject();
        JsonSignatureVerifier.Verify(obj, "s", [VerifyKey.FromSigningKey(key)]).Reason.Should().Contain(reason);
    }

    [Fact]
    public void Verify_keys_compare_by_value()
    {
        using var key = SigningKey.FromSeed("abc", Seed);
        var a = VerifyKey.FromBase64("ed25519:abc", key.PublicKeyBase64, 5);
        var b = VerifyKey.FromSigningKey(key, 5);
        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        a.Should().NotBe(VerifyKey.FromSigningKey(key));
        a.PublicKey.Should().Equal(key.PublicKey);
    }

    [Fact]
    public void Verify_key_validates_its_input()
    {
        var badId = () => VerifyKey.FromBase64("rsa:1", UnpaddedBase64.Encode(new byte[32]));
        badId.Should().Throw<FormatException>();
        var badLength = () => VerifyKey.FromBase64("ed25519:1", UnpaddedBase64.Encode(new byte[31]));
        badLength.Should().Throw<FormatException>();
        var notBase64 = () => VerifyKey.FromBase64("ed25519:1", "***");
        notBase64.Should().Throw<FormatException>();
    }

    [Theory]
    [InlineData("Zm9vYg", "foob")]
    [InlineData("Zm9vYg==", "foob")]
    [InlineData("Zm9vYmE", "fooba")]
    [InlineData("Zm9vYmE=", "fooba")]
    [InlineData("", "")]
    public void Span_decoder_accepts_padded_and_unpadded(string input, string expected)
    {
        Span<byte> buffer = stackalloc byte[16];
        UnpaddedBase64.TryDecode(input, buffer, out var written).Should().BeTrue();
        System.Text.Encoding.UTF8.GetString(buffer[..written]).Should().Be(expected);
    }

    [Theory]
    [InlineData("Z")]
    [InlineData("Zm9vY===")]
    [InlineData("Zm9v*g")]
    public void Span_decoder_rejects_invalid_input(string input)
    {
        Span<byte> buffer = stackalloc byte[16];
        UnpaddedBase64.TryDecode(input, buffer, out _).Should().BeFalse();
    }
}
