using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Benchmarks.Protocol;

/// <summary>Content hash and event id (redaction + reference hash) of a typical event.</summary>
[MemoryDiagnoser]
public class EventHashingBenchmarks
{
    private JsonObject _event = null!;

    [GlobalSetup]
    public void Setup() => _event = TypicalEvent.Parse();

    [Benchmark]
    public byte[] ContentHash() => EventHashes.ContentHash(_event);

    [Benchmark]
    public string EventId() => EventIds.Compute(_event, RoomVersion.V11);

    [Benchmark]
    public string ContentHashAndEventId()
    {
        EventHashes.ContentHash(_event);
        return EventIds.Compute(_event, RoomVersion.V11);
    }
}
