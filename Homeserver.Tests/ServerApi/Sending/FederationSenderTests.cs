using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Sending;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Homeserver.Storage.Federation;
using Homeserver.Tests.Http;
using Homeserver.Tests.ServerApi.Receiving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.ServerApi.Sending;

/// <summary>Outbound transactions of a host whose room has a member on <c>remote.test</c>, sent through a recording client.</summary>
public sealed class FederationSenderTests
{
    private const string Remote = TransactionTestBed.RemoteName;

    [Fact]
    public async Task A_local_message_in_a_room_with_a_remote_member_is_sent_to_that_server_once()
    {
        using var bed = new TransactionTestBed();
        var (bob, _, roomId) = await bed.LocalRoomAsync();
        await bed.RemoteJoinAsync(roomId);

        var messageId = await bed.Rooms.MessageAsync(roomId, bob, "hello remote");

        await Eventually.WaitUntilAsync(() => SentEventIds(bed, Remote).Contains(messageId), "the message is sent");
        await Task.Delay(200);
        SentEventIds(bed, Remote).Count(id => id == messageId).Should().Be(1);
        var transaction = bed.Client.TransactionsTo(Remote).First(t => EventIdsOf(t).Contains(messageId)).Body!;
        transaction["origin"]!.GetValue<string>().Should().Be(TestHost.ServerName);
        transaction["origin_server_ts"]!.GetValue<long>().Should().Be(bed.Host.Time.GetUtcNow().ToUnixTimeMilliseconds());
        var pdu = transaction["pdus"]!.AsArray().Single(p => (string?)p!["content"]?["body"] == "hello remote")!.AsObject();
        pdu["sender"]!.GetValue<string>().Should().Be(bob);
        pdu.ContainsKey("unsigned").Should().BeFalse();
        bed.Client.Requests.Should().NotContain(r => r.Destination == TestHost.ServerName, "a server never sends to itself");
    }

    [Fact]
    public async Task Events_reach_the_destination_in_the_order_they_were_committed()
    {
        using var bed = new TransactionTestBed();
        var (bob, _, roomId) = await bed.LocalRoomAsync();
        await bed.RemoteJoinAsync(roomId);

        var sent = new List<string>();
        for (var i = 0; i < 8; i++) sent.Add(await bed.Rooms.MessageAsync(roomId, bob, "message " + i));

        await Eventually.WaitUntilAsync(() => sent.All(SentEventIds(bed, Remote).Contains), "all messages are sent");
        SentEventIds(bed, Remote).Where(sent.Contains).Should().Equal(sent);
    }

    [Fact]
    public async Task A_member_event_also_goes_to_the_targets_server_after_its_last_user_left()
    {
        using var bed = new TransactionTestBed();
        var (bob, _, roomId) = await bed.LocalRoomAsync();
        await bed.RemoteJoinAsync(roomId);
        var alice = bed.Events.UserId("alice");

        var kick = await bed.Rooms.MembershipAsync(roomId, bob, alice, "leave");

        await Eventually.WaitUntilAsync(() => SentEventIds(bed, Remote).Contains(kick), "the kick is sent to the kicked user's server");
    }

    [Fact]
    public async Task A_failing_destination_is_retried_with_the_same_transaction_until_it_recovers()
    {
        using var bed = new TransactionTestBed();
        var (bob, _, roomId) = await bed.LocalRoomAsync();
        await bed.RemoteJoinAsync(roomId);
        bed.Client.Unreachable = true;

        var messageId = await bed.Rooms.MessageAsync(roomId, bob, "during the outage");
        await Eventually.WaitUntilAsync(() => bed.Client.TransactionsTo(Remote).Count(t => EventIdsOf(t).Contains(messageId)) >= 3,
            "the transaction is attempted again");
        bed.Client.Unreachable = false;

        var attempts = bed.Client.TransactionsTo(Remote).Where(t => EventIdsOf(t).Contains(messageId)).ToList();
        attempts.Select(a => a.Path).Distinct().Should().HaveCount(1, "a retry repeats the transaction id");
        var count = attempts.Count;
        await Eventually.WaitUntilAsync(() => bed.Client.TransactionsTo(Remote).Count(t => EventIdsOf(t).Contains(messageId)) > count,
            "the transaction is delivered after the outage");
        var delivered = bed.Client.TransactionsTo(Remote).Count(t => EventIdsOf(t).Contains(messageId));
        await Task.Delay(300);
        bed.Client.TransactionsTo(Remote).Count(t => EventIdsOf(t).Contains(messageId)).Should().Be(delivered, "a delivered event is not sent again");
    }

    [Fact]
    public async Task A_transaction_from_the_destination_ends_the_backoff()
    {
        using var bed = new TransactionTestBed(senderOptions: new FederationSenderOptions { InitialBackoff = TimeSpan.FromHours(1), MaxBackoff = TimeSpan.FromHours(1) });
        var (bob, _, roomId) = await bed.LocalRoomAsync();
        await bed.RemoteJoinAsync(roomId);
        bed.Client.Unreachable = true;
        var messageId = await bed.Rooms.MessageAsync(roomId, bob, "waiting");
        await Eventually.WaitUntilAsync(() => SentEventIds(bed, Remote).Contains(messageId), "the first attempt");
        bed.Client.Unreachable = false;

        await bed.SendOkAsync("ping", bed.Events.Transaction([]));

        await Eventually.WaitUntilAsync(() => bed.Client.TransactionsTo(Remote).Count(t => EventIdsOf(t).Contains(messageId)) == 2,
            "the retry right after the destination was heard from");
    }

    [Fact]
    public async Task A_failing_destination_keeps_only_its_newest_queued_events()
    {
        using var bed = new TransactionTestBed(senderOptions: new FederationSenderOptions
        {
            InitialBackoff = TimeSpan.FromHours(1), MaxBackoff = TimeSpan.FromHours(1), MaxQueuedPdusPerDestination = 3,
        });
        var (bob, _, roomId) = await bed.LocalRoomAsync();
        await bed.RemoteJoinAsync(roomId);
        bed.Client.Unreachable = true;
        var first = await bed.Rooms.MessageAsync(roomId, bob, "in flight");
        await Eventually.WaitUntilAsync(() => SentEventIds(bed, Remote).Contains(first), "the first attempt");
        var later = new List<string>();
        for (var i = 0; i < 7; i++) later.Add(await bed.Rooms.MessageAsync(roomId, bob, "queued " + i));
        await Eventually.WaitUntilAsync(async () => (await Outbox(bed.Host).PeekAsync(Remote, 50, 0, CancellationToken.None)).Pdus.Count == 8,
            "all eight are queued");

        // A retry that fails again trims the queue to the newest three.
        await bed.SendOkAsync("ping-1", bed.Events.Transaction([]));
        await Eventually.WaitUntilAsync(() => bed.Client.TransactionsTo(Remote).Count(t => EventIdsOf(t).Contains(first)) == 2, "the failed retry");
        bed.Client.Unreachable = false;
        await bed.SendOkAsync("ping-2", bed.Events.Transaction([]));

        await Eventually.WaitUntilAsync(() => later.TakeLast(3).All(SentEventIds(bed, Remote).Contains), "the newest events are sent");
        SentEventIds(bed, Remote).Should().Contain(first, "the transaction in flight is retried as it was");
        SentEventIds(bed, Remote).Should().NotContain(later.Take(4), "older queued events were dropped");
    }

    [Fact]
    public async Task Queued_items_survive_a_restart_of_the_sender()
    {
        using var bed = new TransactionTestBed(senderOptions: new FederationSenderOptions { InitialBackoff = TimeSpan.FromHours(1), MaxBackoff = TimeSpan.FromHours(1) });
        var (bob, _, roomId) = await bed.LocalRoomAsync();
        await bed.RemoteJoinAsync(roomId);
        bed.Client.Unreachable = true;
        var messageId = await bed.Rooms.MessageAsync(roomId, bob, "before the restart");
        bed.Host.Services.GetRequiredService<IFederationSender>().QueueEdu(Remote, "org.example.edu", new JsonObject { ["n"] = 1 });
        await Eventually.WaitUntilAsync(async () => (await Outbox(bed.Host).PeekAsync(Remote, 50, 100, CancellationToken.None)).Edus.Count == 1,
            "the EDU is queued (behind the transaction waiting out its backoff)");
        await bed.Host.Services.GetRequiredService<FederationSender>().StopAsync();

        var client = new RecordingFederationClient();
        await using var restarted = NewSender(bed.Host, client);
        await restarted.StartAsync();

        await Eventually.WaitUntilAsync(() => client.TransactionsTo(Remote).Any(t => EventIdsOf(t).Contains(messageId)), "the message is sent after the restart");
        await Eventually.WaitUntilAsync(() => client.TransactionsTo(Remote).Any(t => t.Body!["edus"]!.AsArray()
            .Any(e => (string?)e!["edu_type"] == "org.example.edu")), "the EDU is sent after the restart");
        await Eventually.WaitUntilAsync(async () => (await Outbox(bed.Host).GetDestinationsWithPendingAsync(CancellationToken.None)).Count == 0,
            "the queue is empty");
    }

    [Fact]
    public async Task Typing_and_presence_coalesce_to_the_latest_and_receipts_of_a_room_merge_while_a_transaction_is_in_flight()
    {
        using var bed = new TransactionTestBed();
        await bed.LocalRoomAsync();
        var sender = bed.Host.Services.GetRequiredService<IFederationSender>();
        bed.Client.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.QueueEdu(Remote, "m.direct_to_device", new JsonObject { ["n"] = 0 });
        await Eventually.WaitUntilAsync(() => bed.Client.TransactionsTo(Remote).Count == 1, "the first transaction is in flight");

        JsonObject Typing(bool typing) => new() { ["room_id"] = "!r:test.example", ["user_id"] = "@bob:test.example", ["typing"] = typing };
        JsonObject Receipt(string user, string eventId) => new()
        {
            ["!r:test.example"] = new JsonObject
            {
                ["m.read"] = new JsonObject { [user] = new JsonObject { ["event_ids"] = new JsonArray(eventId), ["data"] = new JsonObject { ["ts"] = 1 } } },
            },
        };
        JsonObject Presence(string state) => (JsonObject)JsonNode.Parse($$"""{"push":[{"user_id":"@bob:test.example","presence":"{{state}}","last_active_ago":1}]}""")!;
        sender.QueueEdu(Remote, "m.typing", Typing(true));
        sender.QueueEdu(Remote, "m.receipt", Receipt("@bob:test.example", "$1"));
        sender.QueueEdu(Remote, "m.presence", Presence("online"));
        sender.QueueEdu([Remote, TestHost.ServerName], "m.typing", Typing(false));
        sender.QueueEdu(Remote, "m.receipt", Receipt("@carol:test.example", "$2"));
        sender.QueueEdu(Remote, "m.presence", Presence("unavailable"));
        sender.QueueEdu(Remote, "m.receipt", Receipt("@bob:test.example", "$3"));
        await Eventually.WaitUntilAsync(async () => (await Outbox(bed.Host).PeekAsync(Remote, 50, 100, CancellationToken.None)).Edus
            .Any(e => e.EduType == "m.receipt" && e.ContentJson.Contains("$3", StringComparison.Ordinal)), "every EDU is queued (the first one still in flight)");
        bed.Client.Gate.SetResult();

        await Eventually.WaitUntilAsync(() => bed.Client.TransactionsTo(Remote).Count == 2, "the second transaction");
        var edus = bed.Client.TransactionsTo(Remote)[1].Body!["edus"]!.AsArray().Select(e => e!.AsObject()).ToList();
        edus.Select(e => e["edu_type"]!.GetValue<string>()).Should().BeEquivalentTo(["m.typing", "m.presence", "m.receipt"]);
        edus.Single(e => (string?)e["edu_type"] == "m.typing")["content"]!["typing"]!.GetValue<bool>().Should().BeFalse();
        edus.Single(e => (string?)e["edu_type"] == "m.presence")["content"]!["push"]![0]!["presence"]!.GetValue<string>().Should().Be("unavailable");
        var receipts = edus.Single(e => (string?)e["edu_type"] == "m.receipt")["content"]!["!r:test.example"]!["m.read"]!.AsObject();
        receipts.Select(r => (r.Key, r.Value!["event_ids"]![0]!.GetValue<string>())).Should().BeEquivalentTo(
            [("@bob:test.example", "$3"), ("@carol:test.example", "$2")]);
        bed.Client.Requests.Should().NotContain(r => r.Destination == TestHost.ServerName);
    }

    [Fact]
    public async Task Destinations_the_federation_policy_denies_get_nothing()
    {
        using var bed = new TransactionTestBed(services => services.AddSingleton<IFederationPolicy>(new DenyPolicy("denied.test")));
        var sender = bed.Host.Services.GetRequiredService<IFederationSender>();

        sender.QueueEdu(["denied.test", "allowed.test"], "org.example.edu", new JsonObject());

        await Eventually.WaitUntilAsync(() => bed.Client.TransactionsTo("allowed.test").Count == 1, "the allowed server gets it");
        await Task.Delay(100);
        bed.Client.Requests.Should().NotContain(r => r.Destination == "denied.test");
    }

    private sealed class DenyPolicy(string denied) : IFederationPolicy
    {
        public bool IsAllowed(string serverName) => serverName != denied;
    }

    private static IFederationOutboxStore Outbox(TestHost host) => host.Services.GetRequiredService<IFederationOutboxStore>();

    private static FederationSender NewSender(TestHost host, IFederationClient client)
    {
        var services = host.Services;
        return new FederationSender(Outbox(host), services.GetRequiredService<IRoomEventStore>(), services.GetRequiredService<RoomServers>(),
            services.GetRequiredService<IRoomEventNotifier>(), services.GetRequiredService<ServerIdentity>(), new AllowAllFederationPolicy(), client,
            new FederationSenderOptions(), TimeProvider.System, NullLogger<FederationSender>.Instance);
    }

    /// <summary>The ids of the PDUs in every transaction sent to the destination (attempts included), in order.</summary>
    private static List<string> SentEventIds(TransactionTestBed bed, string destination) =>
        [.. bed.Client.TransactionsTo(destination).SelectMany(EventIdsOf)];

    private static IEnumerable<string> EventIdsOf(RecordingFederationClient.Request transaction) =>
        transaction.Body!["pdus"]!.AsArray().Select(p => EventIds.Compute(p!.AsObject(), Federation.RoomVersions.RoomVersionRegistry.Default));
}
