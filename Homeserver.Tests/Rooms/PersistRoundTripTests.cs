using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage;
using Homeserver.Storage.Events;
using Homeserver.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;
using static Homeserver.Tests.Rooms.PipelineHarness;

namespace Homeserver.Tests.Rooms;

/// <summary>
/// The database work of persisting room events on PostgreSQL, counted (not timed): round trips,
/// write transactions and connections per event for a local send into a room of 64 members and for
/// a received batch of 50 messages. The ceilings guard against a per-event statement creeping back;
/// the breakdown by statement is written to the test output.
/// </summary>
public sealed class PersistRoundTripTests(PostgresBackendFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresBackendFixture>
{
    private const int Members = 64;
    private const int Sends = 20;
    private const int ReceivedBatch = 50;

    [SkippableFact]
    public async Task A_local_send_into_a_64_member_room_costs_a_few_round_trips()
    {
        await using var counter = await OpenCountedAsync();
        var h = new PipelineHarness(new RoomEventStore(counter));
        var roomId = await h.CreateRoomAsync(RoomVersion.V11);
        for (var i = 1; i < Members; i++)
            (await h.SendAsync(roomId, "m.room.member", new JsonObject { ["membership"] = "join" }, $"@u{i}:a.test", $"@u{i}:a.test"))
                .Outcome.Should().Be(RoomEventOutcome.Accepted);

        counter.Reset();
        for (var i = 0; i < Sends; i++)
        {
            var sender = $"@u{i + 1}:a.test";
            var result = await h.MessageAsync(roomId, $"message {i}", sender, new ClientTransactionKey(sender, "DEVICE", $"txn{i}"));
            result.Outcome.Should().Be(RoomEventOutcome.Accepted);
        }

        var perEvent = Report("local send into a 64-member room", counter, Sends);
        perEvent.RoundTrips.Should().BeLessThanOrEqualTo(RoundTripCeilingPerSend);
    }

    [SkippableFact]
    public async Task A_received_batch_of_50_messages_costs_a_few_round_trips_per_event()
    {
        await using var counter = await OpenCountedAsync();
        var h = new PipelineHarness(new RoomEventStore(counter));
        var version = RoomVersion.V11;
        var roomId = await h.CreateRoomAsync(version);
        var join = await h.BuildRemoteAsync(roomId, "m.room.member", Bob, new JsonObject { ["membership"] = "join" }, Bob);
        (await h.ReceiveAsync(join)).Outcome.Should().Be(RoomEventOutcome.Accepted);

        // 50 messages of Bob, each on the one before, as a sending server batches them.
        var state = await h.Store.GetCurrentStateAsync(roomId, CancellationToken.None);
        var authState = new Dictionary<TypeStateKey, Pdu>();
        foreach (var ((type, stateKey), id) in state) authState[new TypeStateKey(type, stateKey)] = await h.EventAsync(id, version);
        var previous = await h.EventAsync((await h.ExtremitiesAsync(roomId)).Single(), version);
        var batch = new List<JsonObject>();
        for (var i = 0; i < ReceivedBatch; i++)
        {
            var pdu = h.RemoteBuilder.Build(version, new LocalEventDraft(roomId, "m.room.message", null, Bob,
                new JsonObject { ["msgtype"] = "m.text", ["body"] = $"remote {i}" }), [previous], authState);
            batch.Add(pdu.Json);
            previous = pdu;
        }

        counter.Reset();
        var results = await Task.WhenAll(await h.Pipeline.ReceiveInOrderAsync(batch, version, CancellationToken.None));
        results.Should().OnlyContain(r => r.Outcome == RoomEventOutcome.Accepted);

        var perEvent = Report("received batch of 50 messages", counter, ReceivedBatch);
        perEvent.RoundTrips.Should().BeLessThanOrEqualTo(RoundTripCeilingPerReceivedEvent);
    }

    /// <summary>
    /// Round trips (commands and commits) per send: 11 at first; 7 once a batch opened and wrote in one round trip each;
    /// 4 (the client transaction read, open, write, commit) once the writer read a batch's transactions at once and
    /// remembered the room's head.
    /// </summary>
    private const double RoundTripCeilingPerSend = 4;

    /// <summary>Round trips per received event: 2.14 at first; 1.10 with the event rows in one statement; 4 per batch of 50 (0.08) since.</summary>
    private const double RoundTripCeilingPerReceivedEvent = 0.1;

    private async Task<PersistRoundTripCounter> OpenCountedAsync()
    {
        var options = await fixture.CreateEmptyDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString).Database!;
        return new PersistRoundTripCounter(await HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None), name);
    }

    private (double RoundTrips, double Commands) Report(string what, PersistRoundTripCounter counter, int events)
    {
        var (commands, transactions, connections) = counter.Snapshot();
        var roundTrips = (double)(commands.Count + transactions) / events;
        output.WriteLine($"{what}: {events} events; per event: {roundTrips:0.00} round trips = {(double)commands.Count / events:0.00} commands "
            + $"+ {(double)transactions / events:0.00} commits; {(double)connections / events:0.00} connections taken");
        foreach (var group in commands.GroupBy(c => OneLine(c.Text)).OrderByDescending(g => g.Count()))
            output.WriteLine($"  {(double)group.Count() / events,6:0.00}/event  {group.Sum(c => c.Duration.TotalMilliseconds),8:0.0} ms  {group.Key}");
        return (roundTrips, (double)commands.Count / events);
    }

    private static string OneLine(string sql)
    {
        var line = string.Join(' ', sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length > 150 ? line[..150] + "…" : line;
    }
}
