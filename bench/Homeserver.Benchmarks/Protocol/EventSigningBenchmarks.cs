using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using NSec.Cryptography;

namespace Homeserver.Benchmarks.Protocol;

/// <summary>
/// Signing a typical event, against the baseline of NSec signing the very bytes that end up
/// signed (the canonical redacted event). The difference is our whole overhead: content hash,
/// redaction, canonical JSON, base64 and the JSON edits.
/// </summary>
[MemoryDiagnoser]
public class EventSigningBenchmarks
{
    private static readonly byte[] Seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private SigningKey _signingKey = null!;
    private Key _nsecKey = null!;
    private JsonObject _event = null!;
    private byte[] _signedBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _signingKey = SigningKey.FromSeed("a_AbCd", Seed);
        _nsecKey = Key.Import(SignatureAlgorithm.Ed25519, Seed, KeyBlobFormat.RawPrivateKey);
        _event = TypicalEvent.Parse();
        EventSigner.SignPdu(_event, RoomVersion.V11, "example.org", _signingKey);
        _signedBytes = CanonicalJson.EncodeWithout(Redaction.Redact(_event, RoomVersion.V11), "signatures", "unsigned");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _signingKey.Dispose();
        _nsecKey.Dispose();
    }

    [Benchmark(Baseline = true)]
    public byte[] NSecSignSameBytes() => SignatureAlgorithm.Ed25519.Sign(_nsecKey, _signedBytes);

    [Benchmark]
    public void SignPdu() => EventSigner.SignPdu(_event, RoomVersion.V11, "example.org", _signingKey);
}
