using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.Rooms.PipelineHarness;

namespace Homeserver.Tests.Rooms;

/// <summary>The pipeline's parts that need no store: builder, extremities, cache, queues, notifier.</summary>
public sealed class RoomPipelinePartsTests
{
    private static readonly LocalEventBuilder Builder = new(new ServerIdentity(LocalServer, KeyOf(LocalServer)), TimeProvider.System);

    private static Pdu Event(string id, long depth, params string[] prevEvents) => Pdu.FromJson(new JsonObject
    {
        ["room_id"] = "!r:a.test",
        ["type"] = "m.room.message",
        ["sender"] = Alice,
        ["content"] = new JsonObject(),
        ["depth"] = depth,
        ["prev_events"] = new JsonArray(prevEvents.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
    }, RoomVersion.V11, id);

    [Fact]
    public void An_accepted_event_replaces_its_prev_events_among_the_extremities()
    {
        ForwardExtremities.After(["$a", "$b", "$c"], Event("$d", 5, "$a", "$b"), rejected: false, softFailed: false)
            .Should().Equal("$c", "$d");
        // A fork: the prev event is no longer an extremity; the event becomes one beside the others.
        ForwardExtremities.After(["$c"], Event("$e", 5, "$a"), rejected: false, softFailed: false).Should().Equal("$c", "$e");
    }

    [Fact]
    public void Rejected_and_soft_failed_events_leave_the_extremities_alone()
    {
        IReadOnlyList<string> extremities = ["$a"];
        ForwardExtremities.After(extremities, Event("$x", 2, "$a"), rejected: true, softFailed: false).Should().BeSameAs(extremities);
        ForwardExtremities.After(extremities, Event("$y", 2, "$a"), rejected: false, softFailed: true).Should().BeSameAs(extremities);
    }

    [Fact]
    public void Prev_events_are_the_deepest_extremities_at_most_ten()
    {
        var extremities = Enumerable.Range(1, 15).Select(i => Event($"$e{i:00}", i)).ToList();

        var chosen = LocalEventBuilder.ChoosePrevEvents(extremities);

        chosen.Should().HaveCount(LocalEventBuilder.MaxPrevEvents);
        chosen.Select(e => e.Depth).Should().Equal(Enumerable.Range(6, 10).Reverse().Select(i => (long)i));
    }

    [Fact]
    public void Depth_is_one_more_than_the_deepest_prev_event_and_stays_in_range()
    {
        LocalEventBuilder.DepthAfter([]).Should().Be(1);
        LocalEventBuilder.DepthAfter([Event("$a", 3), Event("$b", 7)]).Should().Be(8);
        LocalEventBuilder.DepthAfter([Event("$m", CanonicalJsonReader.MaxSafeInteger)]).Should().Be(CanonicalJsonReader.MaxSafeInteger);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Built_events_are_valid_signed_events_of_their_version(string versionId)
    {
        var version = RoomVersionRegistry.Find(versionId)!;
        var create = Builder.BuildCreate(version, Alice);
        var join = Builder.Build(version, new LocalEventDraft(create.RoomId, "m.room.member", Alice, Alice, new JsonObject { ["membership"] = "join" }),
            [create], new Dictionary<TypeStateKey, Pdu> { [new TypeStateKey("m.room.create", "")] = create });

        foreach (var pdu in new[] { create, join })
        {
            PduParser.Parse(CanonicalJson.Encode(pdu.Json), version).EventId.Should().Be(pdu.EventId);
            EventSignatureVerifier.Verify(pdu.Json, version, _ => [VerifyKey.FromSigningKey(KeyOf(LocalServer))]).IsValid.Should().BeTrue();
            EventHashes.ContentHashMatches(pdu.Json).Should().BeTrue();
        }
        join.Depth.Should().Be(create.Depth + 1);
        join.PrevEvents.Should().Equal(create.EventId);
        join.AuthEvents.Should().Equal(version.Rules.CreateEventInAuthEvents ? [create.EventId] : []);
        if (version.Rules.RoomIdIsCreateEventHash)
        {
            create.Json.ContainsKey("room_id").Should().BeFalse();
            create.RoomId.Should().Be(EventIds.RoomIdFromCreateEventId(create.EventId));
        }
        else
        {
            create.RoomId.Should().MatchRegex("^![A-Za-z]{18}:a\\.test$");
        }
        if (version.Rules.EventIdFormat == EventIdFormat.Opaque) create.EventId.Should().MatchRegex("^\\$[A-Za-z]{18}:a\\.test$");
        if (version.Rules.EventReferencesAreHashPairs)
        {
            var reference = join.Json["prev_events"]![0]!.AsArray();
            reference[1]!["sha256"]!.GetValue<string>().Should().Be(UnpaddedBase64.Encode(EventHashes.ReferenceHash(create.Json, version)));
        }
    }

    public static TheoryData<string> AllVersions()
    {
        var data = new TheoryData<string>();
        foreach (var v in RoomVersionRegistry.Stable) data.Add(v.Id);
        return data;
    }

    [Fact]
    public void Redactions_name_their_target_where_the_version_wants_it()
    {
        foreach (var version in new[] { RoomVersion.V10, RoomVersion.V11 })
        {
            var create = Builder.BuildCreate(version, Alice);
            var redaction = Builder.Build(version, new LocalEventDraft(create.RoomId, "m.room.redaction", null, Alice, new JsonObject(), create.EventId),
                [create], new Dictionary<TypeStateKey, Pdu>());

            redaction.Redacts.Should().Be(create.EventId);
            (redaction.Json["redacts"] is not null).Should().Be(!version.Rules.RedactsInContent);
            (redaction.Content["redacts"] is not null).Should().Be(version.Rules.RedactsInContent);
        }
    }

    [Fact]
    public void Too_large_content_fails_the_build_with_a_format_error()
    {
        var create = Builder.BuildCreate(RoomVersion.V12, Alice);
        var draft = new LocalEventDraft(create.RoomId, "m.room.message", null, Alice, new JsonObject { ["body"] = new string('x', 70_000) });

        var build = () => Builder.Build(RoomVersion.V12, draft, [create], new Dictionary<TypeStateKey, Pdu>());

        build.Should().Throw<PduFormatException>().WithMessage("*65536*");
    }

    [Fact]
    public void The_cache_drops_the_least_recently_used_event()
    {
        var cache = new PduCache(2);
        cache.Add(new StoredPdu(Event("$a", 1), false, false));
        cache.Add(new StoredPdu(Event("$b", 1), false, false));
        cache.TryGet("$a", out _).Should().BeTrue();

        cache.Add(new StoredPdu(Event("$c", 1), false, false));

        cache.Count.Should().Be(2);
        cache.TryGet("$b", out _).Should().BeFalse();
        cache.TryGet("$a", out _).Should().BeTrue();
        cache.TryGet("$c", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Queued_work_of_a_room_is_written_in_bounded_batches_in_order()
    {
        var release = new TaskCompletionSource();
        var batches = new List<List<string>>();
        var queues = new RoomWriteQueues(async (_, batch) =>
        {
            lock (batches) batches.Add(batch.Select(w => w.Draft!.Content["n"]!.ToString()).ToList());
            await release.Task;
            foreach (var work in batch) work.Complete(RoomEventResult.Accepted("$x", 1));
        }, maxBatchSize: 50);
        var works = Enumerable.Range(0, 121).Select(i => RoomWork.ForDraft(
            new LocalEventDraft("!r:a.test", "m.room.message", null, Alice, new JsonObject { ["n"] = i }), null)).ToList();

        queues.Enqueue(works[0]);
        while (true)
        {
            lock (batches) if (batches.Count == 1) break;
            await Task.Delay(5);
        }
        foreach (var work in works.Skip(1)) queues.Enqueue(work);
        release.SetResult();
        await Task.WhenAll(works.Select(w => w.Result));

        batches.Select(b => b.Count).Should().Equal(1, 50, 50, 20);
        batches.SelectMany(b => b).Should().Equal(Enumerable.Range(0, 121).Select(i => i.ToString()));
        for (var i = 0; i < 100 && queues.ActiveRooms > 0; i++) await Task.Delay(10);
        queues.ActiveRooms.Should().Be(0);
    }

    [Fact]
    public async Task Different_rooms_are_written_in_parallel()
    {
        var bothStarted = new TaskCompletionSource();
        var started = 0;
        var queues = new RoomWriteQueues(async (_, batch) =>
        {
            if (Interlocked.Increment(ref started) == 2) bothStarted.SetResult();
            await bothStarted.Task; // deadlocks unless the second room's writer runs while the first waits
            foreach (var work in batch) work.Complete(RoomEventResult.Accepted("$x", 1));
        }, maxBatchSize: 50);
        var a = RoomWork.ForDraft(new LocalEventDraft("!a:a.test", "m.room.message", null, Alice, new JsonObject()), null);
        var b = RoomWork.ForDraft(new LocalEventDraft("!b:a.test", "m.room.message", null, Alice, new JsonObject()), null);

        queues.Enqueue(a);
        queues.Enqueue(b);

        await Task.WhenAll(a.Result, b.Result).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_wait_without_news_ends_at_the_timeout_and_a_cancelled_wait_throws()
    {
        var notifier = new InProcessRoomEventNotifier();
        notifier.NotifyCommitted(new RoomEventsCommitted("!r:a.test", ["$a"], 7));

        (await notifier.WaitForPositionAfterAsync(3, TimeSpan.FromSeconds(5), CancellationToken.None)).Should().Be(7);
        (await notifier.WaitForPositionAfterAsync(7, TimeSpan.FromMilliseconds(50), CancellationToken.None)).Should().Be(7);
        using var cancelled = new CancellationTokenSource();
        var waiting = notifier.WaitForPositionAfterAsync(7, TimeSpan.FromSeconds(30), cancelled.Token);
        cancelled.Cancel();
        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void The_pipeline_is_registered_with_its_defaults()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new ServerIdentity(LocalServer, KeyOf(LocalServer)));
        services.AddSingleton<Homeserver.Storage.Events.IRoomEventStore>(new InMemoryRoomEventStore());
        services.AddLogging();
        services.AddRoomEventPipeline(o => o.MaxBatchSize = 10);

        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<RoomEventPipeline>().Should().NotBeNull();
        provider.GetRequiredService<IRoomEventNotifier>().Should().BeOfType<InProcessRoomEventNotifier>();
        provider.GetRequiredService<IServerKeys>().Should().BeOfType<FixedServerKeys>();
        provider.GetRequiredService<RoomEventPipelineOptions>().MaxBatchSize.Should().Be(10);
    }
}
