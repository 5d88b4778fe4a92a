using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Homeserver.Tests.Protocol.Signing;

namespace Homeserver.Tests.Protocol.Events;

/// <summary>Every case of Vectors/event-hashing-signing.json (conventions in Vectors/README.md).</summary>
public class EventHashingSigningVectorTests
{
    private const string File = "event-hashing-signing.json";

    public static TheoryData<string> HashAndSignCases => VectorFile.Names(File, c => (string)c["kind"]! == "hash-and-sign");
    public static TheoryData<string> VerifyCases => VectorFile.Names(File, c => (string)c["kind"]! != "hash-and-sign");

    private static RoomVersion Version(JsonObject c) => RoomVersionRegistry.Find((string)c["room_version"]!)!;

    [Theory]
    [MemberData(nameof(HashAndSignCases))]
    public void Hashes_and_signs_as_expected(string name)
    {
        var c = VectorFile.Case(File, name);
        var keyName = (string)c["key"]!;
        using var key = VectorKeys.Signing(File, keyName);
        var pdu = c["input"]!.AsObject();

        UnpaddedBase64.Encode(EventHashes.ContentHash(pdu)).Should().Be((string)c["expected_content_hash"]!);

        EventSigner.SignPdu(pdu, Version(c), VectorKeys.ServerName(File, keyName), key);

        pdu["signatures"]![VectorKeys.ServerName(File, keyName)]![key.KeyId]!.GetValue<string>()
            .Should().Be((string)c["expected_signature"]!);
        JsonNode.DeepEquals(pdu, c["expected_signed_event"]).Should().BeTrue(pdu.ToJsonString());
        EventHashes.ContentHashMatches(pdu).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(VerifyCases))]
    public void Verifies_as_expected(string name)
    {
        var c = VectorFile.Case(File, name);
        var keyName = (string)c["key"]!;
        var server = (string)c["server_name"]!;
        var keys = new[] { VectorKeys.Verify(File, keyName) };
        var pdu = c["input"]!.AsObject();

        // "verify-signature-only" (gmsl): the named server's signature on the redacted event, no sender needed.
        // "verify" (ruma): the event's required signatures and its content hash.
        var full = (string)c["kind"]! == "verify";
        var signatures = full
            ? EventSignatureVerifier.Verify(pdu, Version(c), s => s == server ? keys : [])
            : EventSignatureVerifier.VerifyServer(pdu, Version(c), server, keys);
        var valid = signatures.IsValid && (!full || EventHashes.ContentHashMatches(pdu));

        valid.Should().Be((bool)c["expected_valid"]!, signatures.Reason);
    }
}
