using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.ClientApi.E2ee;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary>
/// A client's <c>/keys/query</c> and <c>/keys/claim</c> for users of other servers: asked of their servers (answers
/// filtered to what was asked), answered from the device-list cache when it is current, failures listed.
/// </summary>
public class RemoteKeyQueryTests(EduHost fixture) : IClassFixture<EduHost>
{
    private const string QueryPath = "/_matrix/federation/v1/user/keys/query";
    private const string ClaimPath = "/_matrix/federation/v1/user/keys/claim";

    private async Task<JsonObject> PostOkAsync(string path, JsonObject body, string token)
    {
        var response = await fixture.Http.PostJsonAsync(AccountRequests.V3 + path, body, token);
        var json = await response.ReadJsonObjectAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, json.ToJsonString());
        return json;
    }

    [Fact]
    public async Task Keys_of_remote_users_are_asked_of_their_servers_and_only_what_was_asked_is_passed_on()
    {
        var (_, token) = await fixture.Rooms.NewUserAsync();
        var bob = EduHost.NewRemoteUser();
        var dave = EduHost.NewRemoteUser("down.test");
        using var keys = new RemoteKeysTestData(bob);
        using var intruder = new RemoteKeysTestData(EduHost.NewRemoteUser());
        fixture.Client.Answer(QueryPath, call => call.Destination == EduHost.RemoteName ? new JsonObject
        {
            ["device_keys"] = new JsonObject
            {
                [bob] = new JsonObject
                {
                    ["PHONE"] = keys.DeviceKeys("PHONE"),
                    ["OTHER"] = keys.DeviceKeys("PHONE"),
                },
                [intruder.UserId] = new JsonObject { ["X"] = intruder.DeviceKeys("X") },
            },
            ["master_keys"] = new JsonObject { [bob] = keys.MasterKey(), [intruder.UserId] = intruder.MasterKey() },
            ["self_signing_keys"] = new JsonObject { [bob] = "not a key" },
        } : throw new Homeserver.Federation.Transport.FederationRequestException(call.Destination, "unreachable"));

        var result = await PostOkAsync("/keys/query", new JsonObject
        {
            ["device_keys"] = new JsonObject { [bob] = new JsonArray(), [dave] = new JsonArray() },
        }, token);

        var asked = fixture.Client.Calls.Where(c => c.PathAndQuery == QueryPath && c.Destination == EduHost.RemoteName).Should().ContainSingle().Subject;
        JsonNode.DeepEquals(asked.Body, new JsonObject { ["device_keys"] = new JsonObject { [bob] = new JsonArray() } }).Should().BeTrue();
        result["device_keys"]![bob]!.AsObject().Select(d => d.Key).Should().Equal("PHONE");
        result["device_keys"]!.AsObject().ContainsKey(intruder.UserId).Should().BeFalse();
        result["master_keys"]![bob]!["keys"]!["ed25519:" + keys.Master.PublicKey].Should().NotBeNull();
        result["master_keys"]!.AsObject().ContainsKey(intruder.UserId).Should().BeFalse();
        result["self_signing_keys"]!.AsObject().Should().BeEmpty();
        result["failures"]!.AsObject().Select(f => f.Key).Should().Equal("down.test");
        result["failures"]!["down.test"]!["status"]!.GetValue<int>().Should().Be(503);
    }

    [Fact]
    public async Task A_current_cached_device_list_answers_without_asking_the_users_server()
    {
        var (_, token, roomId) = await fixture.LocalUserInRoomAsync();
        var carol = EduHost.NewRemoteUser();
        await fixture.JoinRemoteAsync(roomId, carol);
        using var keys = new RemoteKeysTestData(carol);
        fixture.Client.Answer("/_matrix/federation/v1/user/devices/" + carol, _ => keys.DevicesAnswer(3, "PHONE", "LAPTOP"));
        await fixture.HandleAsync(EduHost.RemoteName, "m.device_list_update", new JsonObject
        {
            ["user_id"] = carol, ["device_id"] = "PHONE", ["stream_id"] = 3, ["prev_id"] = new JsonArray(),
        });
        var queriesBefore = fixture.Client.Calls.Count(c => c.PathAndQuery == QueryPath);

        var result = await PostOkAsync("/keys/query", new JsonObject { ["device_keys"] = new JsonObject { [carol] = new JsonArray("LAPTOP") } }, token);

        fixture.Client.Calls.Count(c => c.PathAndQuery == QueryPath).Should().Be(queriesBefore);
        var laptop = result["device_keys"]![carol]!.AsObject().Should().ContainSingle().Subject;
        laptop.Key.Should().Be("LAPTOP");
        ((string?)laptop.Value!["unsigned"]!["device_display_name"]).Should().Be("Device LAPTOP");
        result["self_signing_keys"]![carol]!["keys"]!["ed25519:" + keys.SelfSigning.PublicKey].Should().NotBeNull();
        result["failures"]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task One_time_keys_of_remote_users_are_claimed_from_their_servers()
    {
        var (_, token) = await fixture.Rooms.NewUserAsync();
        var erin = EduHost.NewRemoteUser();
        fixture.Client.Answer(ClaimPath, call => new JsonObject
        {
            ["one_time_keys"] = new JsonObject
            {
                [erin] = new JsonObject
                {
                    ["PHONE"] = new JsonObject { ["signed_curve25519:AAAA"] = new JsonObject { ["key"] = "k" } },
                    ["UNASKED"] = new JsonObject { ["signed_curve25519:BBBB"] = new JsonObject { ["key"] = "k" } },
                    ["TABLET"] = new JsonObject { ["curve25519:CCCC"] = "wrong algorithm" },
                },
            },
        });

        var result = await PostOkAsync("/keys/claim", new JsonObject
        {
            ["one_time_keys"] = new JsonObject { [erin] = new JsonObject { ["PHONE"] = "signed_curve25519", ["TABLET"] = "signed_curve25519" } },
        }, token);

        var asked = fixture.Client.Calls.Last(c => c.PathAndQuery == ClaimPath);
        asked.Destination.Should().Be(EduHost.RemoteName);
        asked.Body!["one_time_keys"]![erin]!.AsObject().Select(d => d.Key).Should().BeEquivalentTo(["PHONE", "TABLET"]);
        result["one_time_keys"]![erin]!.AsObject().Select(d => d.Key).Should().Equal("PHONE");
        result["one_time_keys"]![erin]!["PHONE"]!["signed_curve25519:AAAA"]!["key"]!.GetValue<string>().Should().Be("k");
        result["failures"]!.AsObject().Should().BeEmpty();
    }
}

/// <summary>Two homeservers on the in-memory network: a client of one queries and claims keys of a user of the other.</summary>
public class TwoServerKeyQueryTests
{
    [Fact]
    public async Task A_client_gets_and_claims_keys_of_a_user_of_another_server_and_an_outage_is_a_failure()
    {
        using var a = TestHost.With(c => { c.ServerName = "a.test"; c.EnableRegistration = true; });
        using var b = TestHost.With(c => c.ServerName = "b.test");
        var network = ServerApi.InMemoryFederationNetwork.Connect(a, b);
        using var alice = await E2eeTestUser.RegisterAsync(a.CreateClient(), "Alice's phone");
        await alice.UploadAsync(new JsonObject
        {
            ["device_keys"] = alice.DeviceKeys(),
            ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = alice.OneTimeKey() },
        });
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());
        var bobToken = await b.AddTokenAsync("@bob:b.test", "BOBDEVICE");
        var bob = b.CreateClient();

        async Task<JsonObject> PostAsync(string path, JsonObject body)
        {
            var response = await bob.PostJsonAsync(AccountRequests.V3 + path, body, bobToken);
            var json = await response.ReadJsonObjectAsync();
            response.StatusCode.Should().Be(HttpStatusCode.OK, json.ToJsonString());
            return json;
        }
        var queryBody = new JsonObject { ["device_keys"] = new JsonObject { [alice.UserId] = new JsonArray() } };

        var query = await PostAsync("/keys/query", queryBody);
        query["device_keys"]![alice.UserId]![alice.DeviceId]!["keys"]!["ed25519:" + alice.DeviceId]!.GetValue<string>()
            .Should().Be(alice.DeviceKey.PublicKey);
        ((string?)query["device_keys"]![alice.UserId]![alice.DeviceId]!["unsigned"]!["device_display_name"]).Should().Be("Alice's phone");
        query["master_keys"]![alice.UserId]!["keys"]!["ed25519:" + alice.Master.PublicKey].Should().NotBeNull();
        query["self_signing_keys"]![alice.UserId].Should().NotBeNull();
        query["user_signing_keys"]!.AsObject().Should().BeEmpty();
        query["failures"]!.AsObject().Should().BeEmpty();

        var claimed = await PostAsync("/keys/claim", new JsonObject
        {
            ["one_time_keys"] = new JsonObject { [alice.UserId] = new JsonObject { [alice.DeviceId] = "signed_curve25519" } },
        });
        claimed["one_time_keys"]![alice.UserId]![alice.DeviceId]!.AsObject().Select(k => k.Key).Should().Equal("signed_curve25519:AAAAAQ");

        network.SetReachable("a.test", false);
        var down = await PostAsync("/keys/query", queryBody);
        down["failures"]!.AsObject().Select(f => f.Key).Should().Equal("a.test");
        down["device_keys"]!.AsObject().Should().BeEmpty();
    }
}
