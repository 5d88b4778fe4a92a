using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.Protocol.Signing;

/// <summary>Every case of Vectors/signing.json (conventions in Vectors/README.md).</summary>
public class SigningVectorTests
{
    private const string File = "signing.json";

    public static TheoryData<string> SignCases => VectorFile.Names(File, c => (string)c["kind"]! == "sign");
    public static TheoryData<string> VerifyCases => VectorFile.Names(File, c => (string)c["kind"]! == "verify" && c["implementation_specific"] is null);
    public static TheoryData<string> ImplementationSpecificVerifyCases =>
        VectorFile.Names(File, c => (string)c["kind"]! == "verify" && c["implementation_specific"] is not null);
    public static TheoryData<string> DeriveCases => VectorFile.Names(File, c => (string)c["kind"]! == "derive-public-key");
    public static TheoryData<string> Base64Cases => VectorFile.Names(File, c => (string)c["kind"]! == "base64");

    [Theory]
    [MemberData(nameof(SignCases))]
    public void Signs_to_the_expected_object_and_signature(string name)
    {
        var c = VectorFile.Case(File, name);
        var keyName = (string)c["key"]!;
        using var key = VectorKeys.Signing(File, keyName);
        var server = (string?)c["server_name"] ?? VectorKeys.ServerName(File, keyName);
        var obj = c["input"]!.AsObject();

        var signature = JsonSigner.Sign(obj, server, key);

        signature.Should().Be((string)c["expected_signature"]!);
        JsonNode.DeepEquals(obj, c["expected_signed"]).Should().BeTrue(obj.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(VerifyCases))]
    public void Verifies_as_expected(string name)
    {
        var c = VectorFile.Case(File, name);
        var keyName = (string)c["key"]!;
        var input = c["input_text"] is JsonValue text
            ? CanonicalJsonReader.ParseObject(Encoding.UTF8.GetBytes((string)text!), strict: true)
            : c["input"]!.AsObject();

        var result = JsonSignatureVerifier.Verify(input, VectorKeys.ServerName(File, keyName), [VectorKeys.Verify(File, keyName)]);

        result.IsValid.Should().Be((bool)c["expected_valid"]!, result.Reason);
    }

    /// <summary>
    /// gmsl rejects a padded signature; the spec says decoders SHOULD accept padding, so we accept it
    /// (listed in Vectors/README.md).
    /// </summary>
    [Theory]
    [MemberData(nameof(ImplementationSpecificVerifyCases))]
    public void Padded_signature_is_accepted_as_the_spec_recommends(string name)
    {
        var c = VectorFile.Case(File, name);
        var keyName = (string)c["key"]!;
        var result = JsonSignatureVerifier.Verify(c["input"]!.AsObject(), VectorKeys.ServerName(File, keyName), [VectorKeys.Verify(File, keyName)]);
        result.IsValid.Should().BeTrue(result.Reason);
    }

    [Theory]
    [MemberData(nameof(DeriveCases))]
    public void Derives_the_public_key_from_the_seed(string name)
    {
        var c = VectorFile.Case(File, name);
        using var key = SigningKey.FromSeed("1", UnpaddedBase64.Decode((string)c["seed_base64"]!));
        key.PublicKeyBase64.Should().Be((string)c["expected_public_key_base64"]!);
    }

    [Theory]
    [MemberData(nameof(Base64Cases))]
    public void Encodes_unpadded_base64(string name)
    {
        var c = VectorFile.Case(File, name);
        UnpaddedBase64.Encode(Encoding.UTF8.GetBytes((string)c["input_utf8"]!)).Should().Be((string)c["expected"]!);
    }

    [Fact]
    public void Every_key_derives_its_published_public_key()
    {
        foreach (var (name, _) in VectorFile.Load(File)["keys"]!.AsObject())
        {
            using var key = VectorKeys.Signing(File, name);
            key.PublicKeyBase64.Should().Be((string)VectorKeys.Entry(File, name)["public_key_base64"]!, name);
        }
    }
}
