using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using NSec.Cryptography;

namespace Homeserver.Benchmarks.Protocol;

/// <summary>
/// Verifying a typical signed event (signature of the sender's server on the redacted event,
/// then its content hash), against the baseline of NSec verifying the same signature over the
/// same bytes with an already imported key.
/// </summary>
[MemoryDiagnoser]
public class EventVerificationBenchmarks
{
    private static readonly byte[] Seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private JsonObject _event = null!;
    private IReadOnlyCollection<VerifyKey> _keys = null!;
    private NSec.Cryptography.PublicKey _nsecPublicKey = null!;
    private byte[] _signedBytes = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var signingKey = SigningKey.FromSeed("a_AbCd", Seed);
        _event = TypicalEvent.Parse();
        EventSigner.SignPdu(_event, RoomVersion.V11, "example.org", signingKey);
        _keys = [VerifyKey.FromSigningKey(signingKey)];
        _nsecPublicKey = NSec.Cryptography.PublicKey.Import(SignatureAlgorithm.Ed25519, signingKey.PublicKey, KeyBlobFormat.RawPublicKey);
        _signedBytes = CanonicalJson.EncodeWithout(Redaction.Redact(_event, RoomVersion.V11), "signatures", "unsigned");
        _signature = UnpaddedBase64.Decode(_event["signatures"]!["example.org"]!["ed25519:a_AbCd"]!.GetValue<string>());
        if (!NSecVerifySameBytes() || !VerifyPdu()) throw new InvalidOperationException("setup: signature does not verify");
    }

    [Benchmark(Baseline = true)]
    public bool NSecVerifySameBytes() => SignatureAlgorithm.Ed25519.Verify(_nsecPublicKey, _signedBytes, _signature);

    [Benchmark]
    public bool VerifyPdu() =>
        EventSignatureVerifier.Verify(_event, RoomVersion.V11, _ => _keys).IsValid && EventHashes.ContentHashMatches(_event);
}
