using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ClientApi.E2ee;

/// <summary>POST /keys/upload, /keys/query and /keys/claim.</summary>
public sealed class KeysApiTests(OpenRegistrationFixture fixture) : IClassFixture<OpenRegistrationFixture>
{
    private Task<E2eeTestUser> NewUserAsync(string deviceName = "Test phone") => E2eeTestUser.RegisterAsync(fixture.Client, deviceName);

    private static long Count(JsonObject counts, string algorithm = "signed_curve25519") => counts[algorithm]!.GetValue<long>();

    [Fact]
    public async Task Uploaded_keys_are_queried_with_the_device_name_and_one_time_keys_are_claimed_once_each()
    {
        using var alice = await NewUserAsync("Alice's phone");
        using var bob = await NewUserAsync();
        var otk1 = alice.OneTimeKey();
        var otk2 = alice.OneTimeKey();

        var uploaded = await alice.UploadAsync(new JsonObject
        {
            ["device_keys"] = alice.DeviceKeys(),
            ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = otk1, ["signed_curve25519:AAAAAg"] = otk2, ["curve25519:AAAAAw"] = "plainkey" },
        });
        Count(uploaded["one_time_key_counts"]!.AsObject()).Should().Be(2);
        Count(uploaded["one_time_key_counts"]!.AsObject(), "curve25519").Should().Be(1);

        var query = await bob.QueryAsync(alice.UserId);
        var device = query["device_keys"]![alice.UserId]![alice.DeviceId]!.AsObject();
        device["keys"]!["ed25519:" + alice.DeviceId]!.GetValue<string>().Should().Be(alice.DeviceKey.PublicKey);
        device["signatures"]![alice.UserId]!["ed25519:" + alice.DeviceId].Should().NotBeNull();
        device["unsigned"]!["device_display_name"]!.GetValue<string>().Should().Be("Alice's phone");
        query["failures"]!.AsObject().Should().BeEmpty();

        var first = (await bob.ClaimAsync(alice))["one_time_keys"]![alice.UserId]![alice.DeviceId]!.AsObject();
        var second = (await bob.ClaimAsync(alice))["one_time_keys"]![alice.UserId]![alice.DeviceId]!.AsObject();
        first.Single().Key.Should().Be("signed_curve25519:AAAAAQ", "keys of one upload are equivalent, ties go by key id");
        JsonNode.DeepEquals(first.Single().Value, otk1).Should().BeTrue();
        second.Single().Key.Should().Be("signed_curve25519:AAAAAg");
        (await bob.ClaimAsync(alice))["one_time_keys"]!.AsObject().Should().BeEmpty();
        Count((await alice.UploadAsync(new JsonObject()))["one_time_key_counts"]!.AsObject()).Should().Be(0);
    }

    [Fact]
    public async Task Query_of_selected_devices_and_of_users_without_keys_or_on_other_servers()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        await alice.UploadAsync(new JsonObject { ["device_keys"] = alice.DeviceKeys() });

        var selected = await bob.PostOkAsync("/keys/query", new JsonObject
        {
            ["timeout"] = 10000,
            ["device_keys"] = new JsonObject
            {
                [alice.UserId] = new JsonArray("NOSUCHDEVICE"),
                [bob.UserId] = new JsonArray(),
                ["@someone:other.example"] = new JsonArray(),
            },
        });
        selected["device_keys"]![alice.UserId]!.AsObject().Should().BeEmpty();
        selected["device_keys"]![bob.UserId]!.AsObject().Should().BeEmpty();
        selected["failures"]!.AsObject().Select(f => f.Key).Should().Equal("other.example");

        var only = await bob.PostOkAsync("/keys/query", new JsonObject { ["device_keys"] = new JsonObject { [alice.UserId] = new JsonArray(alice.DeviceId) } });
        only["device_keys"]![alice.UserId]!.AsObject().Select(d => d.Key).Should().Equal(alice.DeviceId);

        await (await bob.PostAsync("/keys/query", new JsonObject())).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");
        await (await bob.PostAsync("/keys/query", new JsonObject { ["device_keys"] = new JsonObject { [alice.UserId] = "all" } }))
            .ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
        await (await bob.PostAsync("/keys/query", new JsonObject { ["device_keys"] = new JsonObject { ["not a user"] = new JsonArray() } }))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await bob.PostAsync("/keys/query", new JsonObject { ["timeout"] = "soon", ["device_keys"] = new JsonObject() }))
            .ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
    }

    public static TheoryData<string, string> BadDeviceKeys => new()
    {
        { "wrong user", "M_INVALID_PARAM" },
        { "wrong device", "M_INVALID_PARAM" },
        { "user_id not a string", "M_BAD_JSON" },
        { "algorithms not an array", "M_BAD_JSON" },
        { "key of another device", "M_INVALID_PARAM" },
        { "no ed25519 key", "M_INVALID_PARAM" },
        { "ed25519 key not 32 bytes", "M_INVALID_PARAM" },
        { "no signatures", "M_BAD_JSON" },
        { "no signature of the user", "M_INVALID_PARAM" },
        { "oversized key", "M_INVALID_PARAM" },
        { "null", "M_BAD_JSON" },
    };

    [Theory]
    [MemberData(nameof(BadDeviceKeys))]
    public async Task Bad_device_keys_are_refused_and_nothing_of_the_upload_is_stored(string defect, string errcode)
    {
        using var alice = await NewUserAsync();
        var keys = alice.DeviceKeys();
        JsonNode? deviceKeys = keys;
        switch (defect)
        {
            case "wrong user": keys["user_id"] = "@mallory:test.example"; break;
            case "wrong device": keys["device_id"] = "OTHERDEVICE"; break;
            case "user_id not a string": keys["user_id"] = 42; break;
            case "algorithms not an array": keys["algorithms"] = "m.megolm.v1.aes-sha2"; break;
            case "key of another device": keys["keys"]!["curve25519:OTHERDEVICE"] = "abc"; break;
            case "no ed25519 key": keys["keys"]!.AsObject().Remove("ed25519:" + alice.DeviceId); break;
            case "ed25519 key not 32 bytes": keys["keys"]!["ed25519:" + alice.DeviceId] = "c2hvcnQ"; break;
            case "no signatures": keys.Remove("signatures"); break;
            case "no signature of the user": keys["signatures"] = new JsonObject { ["@other:test.example"] = new JsonObject { ["ed25519:X"] = "sig" } }; break;
            case "oversized key": keys["keys"]!["curve25519:" + alice.DeviceId] = new string('A', 2000); break;
            case "null": deviceKeys = null; break;
        }

        var response = await alice.PostAsync("/keys/upload", new JsonObject
        {
            ["device_keys"] = deviceKeys,
            ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = alice.OneTimeKey() },
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:AAAAAg"] = alice.OneTimeKey(fallback: true) },
        });

        await response.ShouldBeMatrixErrorAsync(400, errcode);
        (await alice.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]!.AsObject().Should().BeEmpty();
        (await alice.ClaimAsync(alice))["one_time_keys"]!.AsObject().Should().BeEmpty("neither the one-time nor the fallback key was stored");
    }

    public static TheoryData<string, string> BadOneTimeKeys => new()
    {
        { "number", "M_BAD_JSON" },
        { "array", "M_BAD_JSON" },
        { "no algorithm", "M_INVALID_PARAM" },
        { "object without key", "M_BAD_JSON" },
        { "object without signatures", "M_BAD_JSON" },
        { "fallback not boolean", "M_BAD_JSON" },
        { "oversized id", "M_INVALID_PARAM" },
    };

    [Theory]
    [MemberData(nameof(BadOneTimeKeys))]
    public async Task Bad_one_time_keys_are_refused(string defect, string errcode)
    {
        using var alice = await NewUserAsync();
        var name = "signed_curve25519:AAAAAQ";
        JsonNode? key = alice.OneTimeKey();
        switch (defect)
        {
            case "number": key = 5; break;
            case "array": key = new JsonArray("a"); break;
            case "no algorithm": name = "AAAAAQ"; break;
            case "object without key": key!.AsObject().Remove("key"); break;
            case "object without signatures": key!.AsObject().Remove("signatures"); break;
            case "fallback not boolean": key!["fallback"] = "yes"; break;
            case "oversized id": name = "signed_curve25519:" + new string('A', 300); break;
        }

        var response = await alice.PostAsync("/keys/upload", new JsonObject { ["one_time_keys"] = new JsonObject { [name] = key } });

        await response.ShouldBeMatrixErrorAsync(400, errcode);
        (await alice.ClaimAsync(alice))["one_time_keys"]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task A_one_time_key_id_reused_with_other_content_is_refused_and_the_upload_stores_nothing()
    {
        using var alice = await NewUserAsync();
        var original = alice.OneTimeKey();
        await alice.UploadAsync(new JsonObject { ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = original } });
        // The same key again (a retried request) is fine.
        Count((await alice.UploadAsync(new JsonObject { ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = original.DeepClone() } }))
            ["one_time_key_counts"]!.AsObject()).Should().Be(1);

        var response = await alice.PostAsync("/keys/upload", new JsonObject
        {
            ["device_keys"] = alice.DeviceKeys(),
            ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAg"] = alice.OneTimeKey(), ["signed_curve25519:AAAAAQ"] = alice.OneTimeKey() },
        });

        await response.ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        Count((await alice.UploadAsync(new JsonObject()))["one_time_key_counts"]!.AsObject()).Should().Be(1);
        (await alice.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task Device_identity_keys_cannot_be_changed_but_can_be_uploaded_again()
    {
        using var alice = await NewUserAsync();
        await alice.UploadAsync(new JsonObject { ["device_keys"] = alice.DeviceKeys() });
        await alice.UploadAsync(new JsonObject { ["device_keys"] = alice.DeviceKeys() });

        using var other = new ClientKey();
        var changed = alice.DeviceKeys();
        changed["keys"]!["ed25519:" + alice.DeviceId] = other.PublicKey;
        changed.Remove("signatures");
        other.Sign(changed, alice.UserId, "ed25519:" + alice.DeviceId);

        await (await alice.PostAsync("/keys/upload", new JsonObject { ["device_keys"] = changed })).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        var stored = (await alice.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]![alice.DeviceId]!;
        stored["keys"]!["ed25519:" + alice.DeviceId]!.GetValue<string>().Should().Be(alice.DeviceKey.PublicKey);
    }

    [Fact]
    public async Task The_fallback_key_is_handed_out_when_no_one_time_key_is_left_and_stays()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        var fallback = alice.OneTimeKey(fallback: true);
        await alice.UploadAsync(new JsonObject
        {
            ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = alice.OneTimeKey() },
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:AAAAFA"] = fallback },
        });

        (await bob.ClaimAsync(alice))["one_time_keys"]![alice.UserId]![alice.DeviceId]!.AsObject().Single().Key.Should().Be("signed_curve25519:AAAAAQ");
        for (var i = 0; i < 2; i++)
        {
            var claimed = (await bob.ClaimAsync(alice))["one_time_keys"]![alice.UserId]![alice.DeviceId]!.AsObject().Single();
            claimed.Key.Should().Be("signed_curve25519:AAAAFA");
            JsonNode.DeepEquals(claimed.Value, fallback).Should().BeTrue();
        }

        await (await alice.PostAsync("/keys/upload", new JsonObject
        {
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:AAAAFB"] = alice.OneTimeKey(true), ["signed_curve25519:AAAAFC"] = alice.OneTimeKey(true) },
        })).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Parallel_claims_of_the_last_one_time_key_give_it_to_exactly_one_claimer()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        await alice.UploadAsync(new JsonObject { ["one_time_keys"] = new JsonObject { ["signed_curve25519:ONLY"] = alice.OneTimeKey() } });

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => bob.ClaimAsync(alice))));

        results.Count(r => r["one_time_keys"]!.AsObject().Count > 0).Should().Be(1);
    }

    [Fact]
    public async Task Claims_check_their_input_and_report_other_servers_as_failures()
    {
        using var bob = await NewUserAsync();
        var remote = await bob.PostOkAsync("/keys/claim", new JsonObject
        {
            ["timeout"] = 10000,
            ["one_time_keys"] = new JsonObject { ["@alice:other.example"] = new JsonObject { ["DEV"] = "signed_curve25519" } },
        });
        remote["one_time_keys"]!.AsObject().Should().BeEmpty();
        remote["failures"]!.AsObject().Select(f => f.Key).Should().Equal("other.example");

        await (await bob.PostAsync("/keys/claim", new JsonObject())).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");
        await (await bob.PostAsync("/keys/claim", new JsonObject { ["one_time_keys"] = new JsonObject { [bob.UserId] = new JsonObject { ["DEV"] = 1 } } }))
            .ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
    }

    [Fact]
    public async Task Logging_out_a_device_deletes_its_keys()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        await alice.UploadAsync(new JsonObject
        {
            ["device_keys"] = alice.DeviceKeys(),
            ["one_time_keys"] = new JsonObject { ["signed_curve25519:AAAAAQ"] = alice.OneTimeKey() },
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:AAAAAg"] = alice.OneTimeKey(true) },
        });

        (await alice.PostAsync("/logout", new JsonObject())).StatusCode.Should().Be(HttpStatusCode.OK);

        (await bob.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]!.AsObject().Should().BeEmpty();
        (await bob.ClaimAsync(alice))["one_time_keys"]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task Keys_need_an_access_token()
    {
        var response = await fixture.Client.PostJsonAsync(AccountRequests.V3 + "/keys/upload", new JsonObject());
        await response.ShouldBeMatrixErrorAsync(401, "M_MISSING_TOKEN");
    }
}
