using System.Text.Json.Nodes;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi.Receiving;

/// <summary>Inbound <c>PUT /_matrix/federation/v1/send/{txnId}</c> from a test remote server.</summary>
public sealed class TransactionReceiverTests
{
    [Fact]
    public async Task A_remote_user_joins_a_public_room_and_their_message_reaches_the_local_users_sync()
    {
        using var bed = new TransactionTestBed();
        var (_, token, roomId) = await bed.LocalRoomAsync();
        var version = await bed.Events.VersionOfAsync(roomId);
        var alice = bed.Events.UserId("alice");
        var join = await bed.Events.JoinAsync(roomId, alice);
        var message = await bed.Events.MessageAsync(roomId, alice, "hello from afar", prevEvents: [join], extraAuthEvents: [join]);

        var answer = await bed.SendOkAsync("txn1", bed.Events.Transaction([join, message]));

        var results = answer["pdus"]!.AsObject();
        results.Select(r => r.Key).Should().BeEquivalentTo([RemoteRoomEvents.IdOf(join, version), RemoteRoomEvents.IdOf(message, version)]);
        results.Should().OnlyContain(r => r.Value!.AsObject().Count == 0, answer.ToJsonString());
        var sync = await bed.Rooms.SyncAsync(token);
        var timeline = sync["rooms"]!["join"]![roomId]!["timeline"]!["events"]!.AsArray();
        timeline.Should().Contain(e => (string?)e!["sender"] == alice && (string?)e["content"]!["body"] == "hello from afar");
        timeline.Should().Contain(e => (string?)e!["type"] == "m.room.member" && (string?)e["state_key"] == alice);
    }

    [Fact]
    public async Task Pdus_from_a_server_the_room_ACL_denies_get_an_error_and_are_not_stored()
    {
        using var bed = new TransactionTestBed();
        var (creator, _, roomId) = await bed.LocalRoomAsync();
        var version = await bed.Events.VersionOfAsync(roomId);
        await bed.RemoteJoinAsync(roomId);
        var alice = bed.Events.UserId("alice");
        await bed.Rooms.SendAsync(roomId, creator, "m.room.server_acl",
            new JsonObject { ["allow"] = new JsonArray("*"), ["deny"] = new JsonArray(TransactionTestBed.RemoteName) }, "");
        var message = await bed.Events.MessageAsync(roomId, alice, "through the ACL?");

        var answer = await bed.SendOkAsync("txn-acl", bed.Events.Transaction([message]));

        var id = RemoteRoomEvents.IdOf(message, version);
        ((string?)answer["pdus"]?[id]?["error"]).Should().Contain("server ACL", answer.ToJsonString());
        (await bed.Host.Services.GetRequiredService<Homeserver.Storage.Events.IRoomEventStore>().GetEventAsync(id, CancellationToken.None))
            .Should().BeNull();
    }

    [Fact]
    public async Task The_answer_is_stored_after_it_is_given_so_a_later_retry_finds_it()
    {
        using var bed = new TransactionTestBed();
        var (_, _, roomId) = await bed.LocalRoomAsync();
        await bed.RemoteJoinAsync(roomId);
        var message = await bed.Events.MessageAsync(roomId, bed.Events.UserId("alice"), "kept answer");

        var answer = await bed.SendOkAsync("stored", bed.Events.Transaction([message]));

        var store = bed.Host.Services.GetRequiredService<Homeserver.Storage.Federation.IInboundTransactionStore>();
        string? stored = null;
        for (var attempt = 0; attempt < 100 && stored is null; attempt++)
        {
            stored = await store.GetResponseAsync(TransactionTestBed.RemoteName, "stored", CancellationToken.None);
            if (stored is null) await Task.Delay(20);
        }
        stored.Should().Be(answer.ToJsonString());
        (await bed.SendOkAsync("stored", bed.Events.Transaction([]))).ToJsonString().Should().Be(answer.ToJsonString());
    }

    [Fact]
    public async Task A_repeated_transaction_id_gets_the_first_answer_and_is_not_processed_again()
    {
        using var bed = new TransactionTestBed();
        var (_, _, roomId) = await bed.LocalRoomAsync();
        var version = await bed.Events.VersionOfAsync(roomId);
        var join = await bed.RemoteJoinAsync(roomId);
        var first = await bed.Events.MessageAsync(roomId, bed.Events.UserId("alice"), "first");
        var second = await bed.Events.MessageAsync(roomId, bed.Events.UserId("alice"), "second", prevEvents: [first]);

        var answer = await bed.SendOkAsync("same", bed.Events.Transaction([first]));
        var repeated = await bed.SendOkAsync("same", bed.Events.Transaction([second]));

        repeated.ToJsonString().Should().Be(answer.ToJsonString());
        var store = bed.Host.Services.GetRequiredService<IRoomEventStore>();
        (await store.GetEventAsync(RemoteRoomEvents.IdOf(first, version), CancellationToken.None)).Should().NotBeNull();
        (await store.GetEventAsync(RemoteRoomEvents.IdOf(second, version), CancellationToken.None)).Should().BeNull();
        join.Should().NotBeNull();
    }

    [Fact]
    public async Task Invalid_transactions_are_refused_whole()
    {
        using var bed = new TransactionTestBed();
        var pdu = new JsonObject { ["room_id"] = "!nowhere:remote.test", ["type"] = "m.room.message" };

        using (var tooMany = await bed.SendAsync("t1", bed.Events.Transaction(Enumerable.Repeat(pdu, 51))))
            await tooMany.ShouldBeMatrixErrorAsync(400, "M_TOO_LARGE");
        var tooManyEdus = bed.Events.Transaction([], Enumerable.Repeat(new JsonObject { ["edu_type"] = "m.x", ["content"] = new JsonObject() }, 101));
        using (var response = await bed.SendAsync("t2", tooManyEdus))
            await response.ShouldBeMatrixErrorAsync(400, "M_TOO_LARGE");
        var otherOrigin = bed.Events.Transaction([pdu]);
        otherOrigin["origin"] = "elsewhere.test";
        using (var response = await bed.SendAsync("t3", otherOrigin))
            await response.ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        var notArray = bed.Events.Transaction([]);
        notArray["pdus"] = new JsonObject();
        using (var response = await bed.SendAsync("t4", notArray))
            await response.ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
        var notObject = bed.Events.Transaction([]);
        notObject["pdus"] = new JsonArray("x");
        using (var response = await bed.SendAsync("t5", notObject))
            await response.ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
        var noTs = bed.Events.Transaction([]);
        noTs.Remove("origin_server_ts");
        using (var response = await bed.SendAsync("t6", noTs))
            await response.ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");

        // Refused transactions stored no answer: the same id with a valid body is processed.
        (await bed.SendOkAsync("t1", bed.Events.Transaction([])))["pdus"]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task A_pdu_with_a_bad_signature_gets_an_error_while_its_neighbour_is_accepted()
    {
        using var bed = new TransactionTestBed();
        var (_, _, roomId) = await bed.LocalRoomAsync();
        var version = await bed.Events.VersionOfAsync(roomId);
        await bed.RemoteJoinAsync(roomId);
        var forged = await bed.Events.MessageAsync(roomId, bed.Events.UserId("alice"), "forged");
        using (var other = Federation.Signing.SigningKey.Generate())
            forged["signatures"]![TransactionTestBed.RemoteName]![bed.Remote.Key.KeyId] =
                Federation.Signing.JsonSigner.ComputeSignature(forged.DeepClone().AsObject(), other);
        var genuine = await bed.Events.MessageAsync(roomId, bed.Events.UserId("alice"), "genuine");
        var unknownRoom = await bed.Events.MessageAsync(roomId, bed.Events.UserId("alice"), "lost");
        unknownRoom["room_id"] = "!unknown:remote.test";

        var answer = await bed.SendOkAsync("mixed", bed.Events.Transaction([forged, genuine, unknownRoom]));

        var results = answer["pdus"]!.AsObject();
        results[RemoteRoomEvents.IdOf(forged, version)]!["error"]!.GetValue<string>().Should().Contain("signature");
        results[RemoteRoomEvents.IdOf(genuine, version)]!.AsObject().Should().BeEmpty();
        results.Should().HaveCount(2, "an event of an unknown room has no computable id in this room version, so it is only logged");
        var store = bed.Host.Services.GetRequiredService<IRoomEventStore>();
        (await store.GetEventAsync(RemoteRoomEvents.IdOf(forged, version), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Every_pdu_is_answered_under_the_id_computed_from_its_json_whatever_became_of_it()
    {
        // The answer takes each PDU's id from the pipeline's result and computes it again only when the result has none:
        // every outcome must give the same id as computing it from the JSON that was sent.
        using var bed = new TransactionTestBed();
        var (_, _, roomId) = await bed.LocalRoomAsync();
        var version = await bed.Events.VersionOfAsync(roomId);
        await bed.RemoteJoinAsync(roomId);
        var alice = bed.Events.UserId("alice");
        var genuine = await bed.Events.MessageAsync(roomId, alice, "genuine");
        var withUnsigned = await bed.Events.MessageAsync(roomId, alice, "unsigned", prevEvents: [genuine]);
        withUnsigned["unsigned"] = new JsonObject { ["age"] = 5 };
        var badHash = await bed.Events.MessageAsync(roomId, alice, "signed", prevEvents: [withUnsigned]);
        badHash["content"]!["body"] = "changed after signing"; // the content hash fails: processed redacted
        var forbidden = await bed.Events.BuildAsync(roomId, alice, "m.room.power_levels", "",
            new JsonObject { ["users"] = new JsonObject { [alice] = 100 } }, prevEvents: [badHash]);
        var malformed = await bed.Events.MessageAsync(roomId, alice, "malformed", prevEvents: [forbidden]);
        malformed["depth"] = "deep"; // fails the format check: the pipeline names no id
        using (var other = Federation.Signing.SigningKey.Generate())
        {
            var forged = await bed.Events.MessageAsync(roomId, alice, "forged", prevEvents: [badHash]);
            forged["signatures"]![TransactionTestBed.RemoteName]![bed.Remote.Key.KeyId] =
                Federation.Signing.JsonSigner.ComputeSignature(forged.DeepClone().AsObject(), other);
            var pdus = new[] { genuine, withUnsigned, badHash, forbidden, malformed, forged };

            var answer = await bed.SendOkAsync("ids", bed.Events.Transaction(pdus));

            var results = answer["pdus"]!.AsObject();
            results.Select(r => r.Key).Should().BeEquivalentTo(pdus.Select(p => RemoteRoomEvents.IdOf(p, version)), answer.ToJsonString());
            results[RemoteRoomEvents.IdOf(genuine, version)]!.AsObject().Should().BeEmpty();
            results[RemoteRoomEvents.IdOf(withUnsigned, version)]!.AsObject().Should().BeEmpty();
            results[RemoteRoomEvents.IdOf(badHash, version)]!.AsObject().Should().BeEmpty("a redacted event is still processed");
            ((string?)results[RemoteRoomEvents.IdOf(forbidden, version)]!["error"]).Should().Contain("rejected");
            ((string?)results[RemoteRoomEvents.IdOf(malformed, version)]!["error"]).Should().Contain("invalid event");
            ((string?)results[RemoteRoomEvents.IdOf(forged, version)]!["error"]).Should().Contain("signature");
        }
    }

    [Fact]
    public async Task A_gap_before_a_pdu_is_filled_with_get_missing_events_from_the_origin()
    {
        using var bed = new TransactionTestBed();
        var (_, token, roomId) = await bed.LocalRoomAsync();
        var version = await bed.Events.VersionOfAsync(roomId);
        var join = await bed.RemoteJoinAsync(roomId);
        var alice = bed.Events.UserId("alice");
        var missing1 = await bed.Events.MessageAsync(roomId, alice, "missed one", prevEvents: [join]);
        var missing2 = await bed.Events.MessageAsync(roomId, alice, "missed two", prevEvents: [missing1]);
        var latest = await bed.Events.MessageAsync(roomId, alice, "latest", prevEvents: [missing2]);
        var extremities = await bed.Host.Services.GetRequiredService<IRoomEventStore>().GetForwardExtremitiesAsync(roomId, CancellationToken.None);
        bed.Client.Answer = request => request.Path.StartsWith("/_matrix/federation/v1/get_missing_events/", StringComparison.Ordinal)
            ? new JsonObject { ["events"] = new JsonArray(missing2.DeepClone(), missing1.DeepClone()) }
            : null;

        var answer = await bed.SendOkAsync("gap", bed.Events.Transaction([latest]));

        answer["pdus"]![RemoteRoomEvents.IdOf(latest, version)]!.AsObject().Should().BeEmpty(answer.ToJsonString());
        var request = bed.Client.Requests.Single(r => r.Path.Contains("get_missing_events"));
        request.Destination.Should().Be(TransactionTestBed.RemoteName);
        request.Path.Should().Be("/_matrix/federation/v1/get_missing_events/" + Uri.EscapeDataString(roomId));
        request.Body!["latest_events"]!.AsArray().Select(e => e!.GetValue<string>()).Should().Equal(RemoteRoomEvents.IdOf(latest, version));
        request.Body["earliest_events"]!.AsArray().Select(e => e!.GetValue<string>()).Should().BeEquivalentTo(extremities);
        request.Body["limit"]!.GetValue<int>().Should().Be(20);
        var bodies = (await bed.Rooms.SyncAsync(token))["rooms"]!["join"]![roomId]!["timeline"]!["events"]!.AsArray()
            .Where(e => e!["type"]!.GetValue<string>() == "m.room.message").Select(e => e!["content"]!["body"]!.GetValue<string>());
        bodies.Should().Equal("missed one", "missed two", "latest");
    }

    [Fact]
    public async Task A_gap_the_origin_cannot_fill_gives_that_pdu_an_error()
    {
        using var bed = new TransactionTestBed();
        var (_, _, roomId) = await bed.LocalRoomAsync();
        var version = await bed.Events.VersionOfAsync(roomId);
        var join = await bed.RemoteJoinAsync(roomId);
        var alice = bed.Events.UserId("alice");
        var missing = await bed.Events.MessageAsync(roomId, alice, "missed", prevEvents: [join]);
        var latest = await bed.Events.MessageAsync(roomId, alice, "latest", prevEvents: [missing]);
        bed.Client.Answer = _ => new JsonObject { ["events"] = new JsonArray() };

        var answer = await bed.SendOkAsync("gap", bed.Events.Transaction([latest]));

        answer["pdus"]![RemoteRoomEvents.IdOf(latest, version)]!["error"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_gap_get_missing_events_does_not_fill_is_bridged_with_the_state_before_the_pdu_from_the_origin()
    {
        using var bed = new TransactionTestBed();
        var (_, token, roomId) = await bed.LocalRoomAsync();
        var version = await bed.Events.VersionOfAsync(roomId);
        var join = await bed.RemoteJoinAsync(roomId);
        var alice = bed.Events.UserId("alice");
        // A state event the host never hears of, then a message after it.
        var rename = await bed.Events.BuildAsync(roomId, alice, "m.room.member", alice,
            new JsonObject { ["membership"] = "join", ["displayname"] = "Alice" }, prevEvents: [join]);
        var renameId = RemoteRoomEvents.IdOf(rename, version);
        var latest = await bed.Events.MessageAsync(roomId, alice, "after the gap", prevEvents: [rename], extraAuthEvents: [rename]);
        var latestId = RemoteRoomEvents.IdOf(latest, version);

        var store = bed.Host.Services.GetRequiredService<IRoomEventStore>();
        var state = await store.GetCurrentStateAsync(roomId, CancellationToken.None);
        state[("m.room.member", alice)] = renameId;
        var authChain = (await store.GetAuthChainAsync(state.Values.Where(id => id != renameId).ToList(), CancellationToken.None))
            .Append(RemoteRoomEvents.IdOf(join, version)).Distinct().ToList();
        bed.Client.Answer = request => request.Path switch
        {
            var p when p.StartsWith("/_matrix/federation/v1/get_missing_events/", StringComparison.Ordinal) => new JsonObject { ["events"] = new JsonArray() },
            var p when p == $"/_matrix/federation/v1/state_ids/{Uri.EscapeDataString(roomId)}?event_id={Uri.EscapeDataString(latestId)}" => new JsonObject
            {
                ["pdu_ids"] = new JsonArray([.. state.Values.Select(id => JsonValue.Create(id))]),
                ["auth_chain_ids"] = new JsonArray([.. authChain.Select(id => JsonValue.Create(id))]),
            },
            var p when p == "/_matrix/federation/v1/event/" + Uri.EscapeDataString(renameId) => new JsonObject
            {
                ["origin"] = TransactionTestBed.RemoteName, ["origin_server_ts"] = 1, ["pdus"] = new JsonArray(rename.DeepClone()),
            },
            _ => throw new Federation.Transport.FederationRequestException(request.Destination, "not found (test)", 404),
        };

        var answer = await bed.SendOkAsync("state", bed.Events.Transaction([latest]));

        answer["pdus"]![latestId]!.AsObject().Should().BeEmpty(answer.ToJsonString());
        bed.Client.Requests.Select(r => r.Path).Should().Contain("/_matrix/federation/v1/event/" + Uri.EscapeDataString(renameId));
        (await store.GetEventAsync(renameId, CancellationToken.None)).Should().NotBeNull("the fetched state event is stored (as an outlier)");
        var timeline = (await bed.Rooms.SyncAsync(token))["rooms"]!["join"]![roomId]!["timeline"]!["events"]!.AsArray();
        timeline.Should().Contain(e => (string?)e!["content"]!["body"] == "after the gap");
    }

    [Fact]
    public async Task Edus_go_to_the_handlers_of_their_type_and_a_failing_or_unknown_one_does_not_fail_the_transaction()
    {
        var recording = new RecordingEduHandler("org.example.test");
        using var bed = new TransactionTestBed(services =>
        {
            services.AddSingleton<IEduHandler>(new ThrowingEduHandler("org.example.throws"));
            services.AddSingleton<IEduHandler>(recording);
        });
        JsonObject Edu(string type, int n) => new() { ["edu_type"] = type, ["content"] = new JsonObject { ["n"] = n } };
        var malformed = new JsonObject { ["edu_type"] = "org.example.test", ["content"] = "not an object" };

        var answer = await bed.SendOkAsync("edus", bed.Events.Transaction([],
            [Edu("org.example.throws", 1), Edu("org.example.unknown", 2), Edu("org.example.test", 3), malformed, Edu("org.example.test", 4)]));

        answer.ToJsonString().Should().Be("""{"pdus":{}}""");
        recording.Received.Select(r => (r.Origin, r.Content["n"]!.GetValue<int>())).Should().Equal((TransactionTestBed.RemoteName, 3), (TransactionTestBed.RemoteName, 4));
    }

    internal sealed class RecordingEduHandler(string eduType) : IEduHandler
    {
        public List<(string Origin, JsonObject Content)> Received { get; } = [];
        public string EduType => eduType;

        public Task HandleAsync(string origin, JsonObject content, CancellationToken cancellationToken)
        {
            lock (Received) Received.Add((origin, content));
            return Task.CompletedTask;
        }
    }

    private sealed class ThrowingEduHandler(string eduType) : IEduHandler
    {
        public string EduType => eduType;
        public Task HandleAsync(string origin, JsonObject content, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("handler bug");
    }
}
