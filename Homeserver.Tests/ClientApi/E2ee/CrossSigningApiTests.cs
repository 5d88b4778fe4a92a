using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ClientApi.E2ee;

/// <summary>POST /keys/device_signing/upload and /keys/signatures/upload, and what /keys/query shows of them.</summary>
public sealed class CrossSigningApiTests(OpenRegistrationFixture fixture) : IClassFixture<OpenRegistrationFixture>
{
    private Task<E2eeTestUser> NewUserAsync() => E2eeTestUser.RegisterAsync(fixture.Client);

    [Fact]
    public async Task The_first_upload_needs_no_authentication_and_others_see_master_and_self_signing_keys_only()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();

        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());

        var own = await alice.QueryAsync(alice.UserId);
        own["master_keys"]![alice.UserId]!["keys"]!["ed25519:" + alice.Master.PublicKey]!.GetValue<string>().Should().Be(alice.Master.PublicKey);
        own["self_signing_keys"]![alice.UserId]!["usage"]![0]!.GetValue<string>().Should().Be("self_signing");
        own["user_signing_keys"]![alice.UserId]!["keys"]!["ed25519:" + alice.UserSigning.PublicKey].Should().NotBeNull();

        var theirs = await bob.QueryAsync(alice.UserId);
        theirs["master_keys"]!.AsObject().ContainsKey(alice.UserId).Should().BeTrue();
        theirs["self_signing_keys"]!.AsObject().ContainsKey(alice.UserId).Should().BeTrue();
        theirs["user_signing_keys"]!.AsObject().Should().BeEmpty();

        // The same keys again (a retried request) need no authentication either.
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());
    }

    [Fact]
    public async Task Replacing_keys_requires_user_interactive_authentication()
    {
        using var alice = await NewUserAsync();
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());
        using var newMaster = new ClientKey();
        var replacement = new JsonObject { ["master_key"] = alice.CrossSigningKey(newMaster, "master", null) };

        var challenge = await alice.PostAsync("/keys/device_signing/upload", replacement);
        challenge.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var session = (await challenge.ReadJsonObjectAsync()).Str("session");
        (await alice.QueryAsync(alice.UserId))["master_keys"]![alice.UserId]!["keys"]!
            .AsObject().Single().Value!.GetValue<string>().Should().Be(alice.Master.PublicKey, "nothing changes before authentication");

        var wrongPassword = (JsonObject)replacement.DeepClone();
        wrongPassword["auth"] = AccountRequests.PasswordAuth(alice.UserId, "wrong", session);
        (await alice.PostAsync("/keys/device_signing/upload", wrongPassword)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        replacement["auth"] = AccountRequests.PasswordAuth(alice.UserId, E2eeTestUser.Password, session);
        await alice.PostOkAsync("/keys/device_signing/upload", replacement);
        (await alice.QueryAsync(alice.UserId))["master_keys"]![alice.UserId]!["keys"]!
            .AsObject().Single().Value!.GetValue<string>().Should().Be(newMaster.PublicKey);
    }

    [Fact]
    public async Task Replacing_only_the_self_signing_key_requires_authentication_too()
    {
        using var alice = await NewUserAsync();
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());
        using var newSelfSigning = new ClientKey();

        var response = await alice.PostAsync("/keys/device_signing/upload",
            new JsonObject { ["self_signing_key"] = alice.CrossSigningKey(newSelfSigning, "self_signing", alice.Master) });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.ReadJsonObjectAsync())["flows"]![0]!["stages"]![0]!.GetValue<string>().Should().Be("m.login.password");
        (await alice.QueryAsync(alice.UserId))["self_signing_keys"]![alice.UserId]!["keys"]!
            .AsObject().Single().Value!.GetValue<string>().Should().Be(alice.SelfSigning.PublicKey);
    }

    [Fact]
    public async Task Keys_not_signed_by_the_master_key_or_without_one_are_refused()
    {
        using var alice = await NewUserAsync();
        using var stranger = new ClientKey();

        var noMaster = new JsonObject { ["self_signing_key"] = alice.CrossSigningKey(alice.SelfSigning, "self_signing", alice.Master) };
        await (await alice.PostAsync("/keys/device_signing/upload", noMaster)).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");

        var badSignature = alice.CrossSigningUpload();
        badSignature["user_signing_key"] = alice.CrossSigningKey(alice.UserSigning, "user_signing", stranger);
        await (await alice.PostAsync("/keys/device_signing/upload", badSignature)).ShouldBeMatrixErrorAsync(400, "M_INVALID_SIGNATURE");

        var wrongUsage = alice.CrossSigningUpload();
        wrongUsage["master_key"]!["usage"] = new JsonArray("self_signing");
        await (await alice.PostAsync("/keys/device_signing/upload", wrongUsage)).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        var wrongUser = alice.CrossSigningUpload();
        wrongUser["master_key"]!["user_id"] = "@bob:test.example";
        await (await alice.PostAsync("/keys/device_signing/upload", wrongUser)).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        var twoKeys = alice.CrossSigningUpload();
        twoKeys["master_key"]!["keys"]!["ed25519:" + stranger.PublicKey] = stranger.PublicKey;
        await (await alice.PostAsync("/keys/device_signing/upload", twoKeys)).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        (await alice.QueryAsync(alice.UserId))["master_keys"]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task A_device_signature_by_the_self_signing_key_is_verified_stored_and_shown()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        await alice.UploadAsync(new JsonObject { ["device_keys"] = alice.DeviceKeys() });
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());
        var sskKeyId = "ed25519:" + alice.SelfSigning.PublicKey;

        var forged = alice.DeviceKeys();
        using (var stranger = new ClientKey())
            stranger.Sign(forged, alice.UserId, sskKeyId);
        var rejected = await alice.PostOkAsync("/keys/signatures/upload", new JsonObject { [alice.UserId] = new JsonObject { [alice.DeviceId] = forged } });
        rejected["failures"]![alice.UserId]![alice.DeviceId]!["errcode"]!.GetValue<string>().Should().Be("M_INVALID_SIGNATURE");
        (await bob.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]![alice.DeviceId]!["signatures"]![alice.UserId]!
            .AsObject().ContainsKey(sskKeyId).Should().BeFalse("a bad signature is not stored");

        var signed = alice.SelfSigning.Sign(alice.DeviceKeys(), alice.UserId, sskKeyId);
        var accepted = await alice.PostOkAsync("/keys/signatures/upload", new JsonObject { [alice.UserId] = new JsonObject { [alice.DeviceId] = signed } });
        accepted["failures"]!.AsObject().Should().BeEmpty();
        var shown = (await bob.QueryAsync(alice.UserId))["device_keys"]![alice.UserId]![alice.DeviceId]!["signatures"]![alice.UserId]!.AsObject();
        shown[sskKeyId]!.GetValue<string>().Should().Be(signed["signatures"]![alice.UserId]![sskKeyId]!.GetValue<string>());
        shown.ContainsKey("ed25519:" + alice.DeviceId).Should().BeTrue("the device's own signature stays");
    }

    [Fact]
    public async Task The_master_key_signed_by_a_device_is_visible_to_everyone()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        await alice.UploadAsync(new JsonObject { ["device_keys"] = alice.DeviceKeys() });
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());

        var master = alice.DeviceKey.Sign(alice.CrossSigningKey(alice.Master, "master", null), alice.UserId, "ed25519:" + alice.DeviceId);
        var result = await alice.PostOkAsync("/keys/signatures/upload", new JsonObject { [alice.UserId] = new JsonObject { [alice.Master.PublicKey] = master } });

        result["failures"]!.AsObject().Should().BeEmpty();
        (await bob.QueryAsync(alice.UserId))["master_keys"]![alice.UserId]!["signatures"]![alice.UserId]!["ed25519:" + alice.DeviceId]
            .Should().NotBeNull();
    }

    [Fact]
    public async Task A_signature_of_another_users_master_key_is_visible_only_to_the_signer()
    {
        using var alice = await NewUserAsync();
        using var bob = await NewUserAsync();
        using var carol = await NewUserAsync();
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());
        await bob.PostOkAsync("/keys/device_signing/upload", bob.CrossSigningUpload());
        var uskKeyId = "ed25519:" + alice.UserSigning.PublicKey;

        var bobsMaster = alice.UserSigning.Sign(bob.CrossSigningKey(bob.Master, "master", null), alice.UserId, uskKeyId);
        var result = await alice.PostOkAsync("/keys/signatures/upload", new JsonObject
        {
            [bob.UserId] = new JsonObject { [bob.Master.PublicKey] = bobsMaster },
            ["@dave:other.example"] = new JsonObject { ["somekey"] = new JsonObject { ["signatures"] = new JsonObject() } },
            [bob.UserId + "x"] = new JsonObject { ["nokey"] = new JsonObject { ["signatures"] = new JsonObject() } },
        });

        result["failures"]!.AsObject().Select(f => f.Key).Should().BeEquivalentTo(["@dave:other.example", bob.UserId + "x"]);
        result["failures"]![bob.UserId + "x"]!["nokey"]!["errcode"]!.GetValue<string>().Should().Be("M_NOT_FOUND");
        (await alice.QueryAsync(bob.UserId))["master_keys"]![bob.UserId]!["signatures"]![alice.UserId]![uskKeyId].Should().NotBeNull();
        (await bob.QueryAsync(bob.UserId))["master_keys"]![bob.UserId]!["signatures"]?[alice.UserId].Should().BeNull();
        (await carol.QueryAsync(bob.UserId))["master_keys"]![bob.UserId]!["signatures"]?[alice.UserId].Should().BeNull();
    }

    [Fact]
    public async Task A_signed_object_that_differs_from_the_stored_key_is_refused()
    {
        using var alice = await NewUserAsync();
        await alice.UploadAsync(new JsonObject { ["device_keys"] = alice.DeviceKeys() });
        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());
        var sskKeyId = "ed25519:" + alice.SelfSigning.PublicKey;
        var altered = alice.DeviceKeys();
        altered["algorithms"] = new JsonArray("m.megolm.v1.aes-sha2");
        alice.SelfSigning.Sign(altered, alice.UserId, sskKeyId);

        var result = await alice.PostOkAsync("/keys/signatures/upload", new JsonObject { [alice.UserId] = new JsonObject { [alice.DeviceId] = altered } });

        result["failures"]![alice.UserId]![alice.DeviceId]!["errcode"]!.GetValue<string>().Should().Be("M_INVALID_PARAM");
    }
}
