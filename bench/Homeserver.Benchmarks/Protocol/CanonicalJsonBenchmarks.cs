using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Homeserver.Federation.Json;

namespace Homeserver.Benchmarks.Protocol;

/// <summary>Canonical JSON of a typical event: encoding, and strict reading of its bytes.</summary>
[MemoryDiagnoser]
public class CanonicalJsonBenchmarks
{
    private JsonObject _event = null!;
    private byte[] _bytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _event = TypicalEvent.Parse();
        _bytes = Encoding.UTF8.GetBytes(TypicalEvent.Json);
    }

    [Benchmark]
    public byte[] EncodeCanonical() => CanonicalJson.Encode(_event);

    /// <summary>Reference point: System.Text.Json writing the same nodes (not canonical: no key sorting).</summary>
    [Benchmark]
    public byte[] SystemTextJsonWrite() => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(_event);

    [Benchmark]
    public JsonObject ReadStrict() => CanonicalJsonReader.ParseObject(_bytes, strict: true);
}
