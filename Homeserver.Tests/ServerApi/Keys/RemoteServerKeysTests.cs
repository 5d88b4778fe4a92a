using System.Text.Json.Nodes;
using Homeserver.Federation.Keys;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Federation.Transport;
using Homeserver.Tests.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.ServerApi.Keys;

public sealed class RemoteServerKeysTests : IDisposable
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeFederationClient _client = new();
    private readonly InMemoryServerKeyStore _store = new();
    private readonly TestRemoteServer _remote = new("remote.test");
    private readonly TestRemoteServer _notary = new("notary.test");
    private readonly SigningKey _ownKey = SigningKey.Generate();

    public void Dispose()
    {
        _remote.Dispose();
        _notary.Dispose();
        _ownKey.Dispose();
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    private RemoteServerKeys Create(ServerKeyOptions? options = null)
    {
        options ??= new ServerKeyOptions();
        var local = new LocalServerKeys(new ServerIdentity("self.test", _ownKey), options, _time);
        return new RemoteServerKeys(_client, _store, local, options, _time, NullLogger<RemoteServerKeys>.Instance);
    }

    /// <summary>The remote answers its key request with <paramref name="response"/>; everything else is unreachable.</summary>
    private void Serve(JsonObject response) =>
        _client.Handler = (destination, method, path, _) =>
            destination == _remote.Name && method == HttpMethod.Get && path == RemoteServerKeys.ServerKeyPath
                ? Task.FromResult<JsonNode?>(response)
                : throw new FederationRequestException(destination, "unreachable (fake)");

    private Task<IReadOnlyDictionary<string, VerifyKey>> KeysAt(RemoteServerKeys keys, long atTs, string? keyId = null) =>
        keys.GetVerifyKeysAsync(_remote.Name, [keyId ?? _remote.Key.KeyId], atTs, CancellationToken.None);

    [Fact]
    public async Task A_key_is_fetched_from_the_server_once_and_then_served_from_memory()
    {
        Serve(KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(1))));
        var keys = Create();

        var first = await KeysAt(keys, Now);
        var second = await KeysAt(keys, Now);

        first[_remote.Key.KeyId].PublicKey.Should().Equal(_remote.Key.PublicKey);
        second.Should().ContainKey(_remote.Key.KeyId);
        _client.CountTo(_remote.Name).Should().Be(1);
        _client.Requests.Single().Path.Should().Be("/_matrix/key/v2/server");
        _store.Saves.Should().Be(1);
    }

    [Fact]
    public async Task A_key_counts_for_timestamps_up_to_its_valid_until_ts()
    {
        var validUntil = Now + Ms(TimeSpan.FromHours(1));
        Serve(KeyResponses.For(_remote, validUntil));
        var keys = Create();

        (await KeysAt(keys, validUntil)).Should().ContainKey(_remote.Key.KeyId);
        (await KeysAt(keys, validUntil + 1)).Should().BeEmpty();
        (await KeysAt(keys, Now - Ms(TimeSpan.FromDays(300)))).Should().ContainKey(_remote.Key.KeyId);
    }

    [Fact]
    public async Task A_validity_further_than_7_days_counts_as_7_days()
    {
        Serve(KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(365))));
        var keys = Create();

        (await KeysAt(keys, Now + Ms(TimeSpan.FromDays(7)))).Should().ContainKey(_remote.Key.KeyId);
        (await KeysAt(keys, Now + Ms(TimeSpan.FromDays(7)) + 1)).Should().BeEmpty();
    }

    [Fact]
    public async Task Old_verify_keys_count_up_to_their_expired_ts()
    {
        using var oldKey = SigningKey.Generate();
        var expired = Now - Ms(TimeSpan.FromDays(10));
        Serve(KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(1)), new JsonObject { [oldKey.KeyId] = KeyResponses.OldKey(oldKey, expired) }));
        var keys = Create();

        (await KeysAt(keys, expired, oldKey.KeyId))[oldKey.KeyId].PublicKey.Should().Equal(oldKey.PublicKey);
        (await KeysAt(keys, expired + 1, oldKey.KeyId)).Should().BeEmpty();
    }

    public static TheoryData<string> InvalidResponses => new()
    {
        "unsigned", "signed by another key", "another server_name", "no ed25519 key", "short key", "valid_until_ts not an integer",
        "old key without expired_ts", "a second key that did not sign",
    };

    [Theory]
    [MemberData(nameof(InvalidResponses))]
    public async Task Invalid_responses_are_refused(string fault)
    {
        using var other = SigningKey.Generate();
        var validUntil = Now + Ms(TimeSpan.FromDays(1));
        var response = KeyResponses.For(_remote, validUntil, sign: false);
        switch (fault)
        {
            case "unsigned":
                break;
            case "signed by another key":
                JsonSigner.Sign(response, _remote.Name, SigningKey.FromSeed(_remote.Key.Version, other.ExportSeed()));
                break;
            case "another server_name":
                response["server_name"] = "other.test";
                _remote.Sign(response);
                break;
            case "no ed25519 key":
                response["verify_keys"] = new JsonObject { ["curve25519:1"] = new JsonObject { ["key"] = _remote.Key.PublicKeyBase64 } };
                _remote.Sign(response);
                break;
            case "short key":
                response["verify_keys"]![_remote.Key.KeyId]!["key"] = "AAAA";
                _remote.Sign(response);
                break;
            case "valid_until_ts not an integer":
                response["valid_until_ts"] = "tomorrow";
                _remote.Sign(response);
                break;
            case "old key without expired_ts":
                response["old_verify_keys"] = new JsonObject { [other.KeyId + "x"] = new JsonObject { ["key"] = other.PublicKeyBase64 } };
                _remote.Sign(response);
                break;
            case "a second key that did not sign":
                response["verify_keys"]!["ed25519:second"] = new JsonObject { ["key"] = other.PublicKeyBase64 };
                _remote.Sign(response);
                break;
        }
        Serve(response);
        var keys = Create();

        (await KeysAt(keys, Now)).Should().BeEmpty();
        _store.Saves.Should().Be(0);
    }

    [Fact]
    public async Task Without_an_answer_from_the_server_the_trusted_notary_is_asked()
    {
        var options = new ServerKeyOptions { TrustedKeyServers = [new TrustedKeyServer(_notary.Name, [_notary.VerifyKey])] };
        var serverResponse = KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(1)));
        _client.Handler = (destination, method, path, _) =>
            destination == _notary.Name && method == HttpMethod.Post && path == RemoteServerKeys.QueryPath
                ? Task.FromResult<JsonNode?>(new JsonObject { ["server_keys"] = new JsonArray(_notary.Sign(serverResponse.DeepClone().AsObject())) })
                : throw new FederationRequestException(destination, "unreachable (fake)");
        var keys = Create(options);

        (await KeysAt(keys, Now)).Should().ContainKey(_remote.Key.KeyId);

        var query = _client.Requests.Single(r => r.Destination == _notary.Name);
        JsonNode.DeepEquals(query.Body, new JsonObject { ["server_keys"] = new JsonObject { [_remote.Name] = new JsonObject() } }).Should().BeTrue();
        var handedOn = (await keys.GetResponseAsync(_remote.Name, Now, CancellationToken.None))!;
        handedOn["signatures"]!.AsObject().Select(p => p.Key).Should().Equal(_remote.Name);
    }

    [Fact]
    public async Task A_notary_answer_not_signed_by_the_configured_notary_key_is_refused()
    {
        using var notConfigured = SigningKey.Generate();
        var options = new ServerKeyOptions { TrustedKeyServers = [new TrustedKeyServer(_notary.Name, [VerifyKey.FromSigningKey(notConfigured)])] };
        var serverResponse = KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(1)));
        _client.Handler = (destination, _, _, _) => destination == _notary.Name
            ? Task.FromResult<JsonNode?>(new JsonObject { ["server_keys"] = new JsonArray(_notary.Sign(serverResponse.DeepClone().AsObject())) })
            : throw new FederationRequestException(destination, "unreachable (fake)");
        var keys = Create(options);

        (await KeysAt(keys, Now)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_denied_key_is_never_returned()
    {
        Serve(KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(1))));
        var keys = Create(new ServerKeyOptions { DeniedKeys = new HashSet<string> { _remote.Key.PublicKeyBase64 } });

        (await KeysAt(keys, Now)).Should().BeEmpty();
        (await _store.GetKeysAsync(_remote.Name, CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_key_id_refetches_at_most_once_a_minute()
    {
        Serve(KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(1))));
        var keys = Create();

        (await KeysAt(keys, Now, "ed25519:unknown")).Should().BeEmpty();
        (await KeysAt(keys, Now, "ed25519:unknown")).Should().BeEmpty();
        _client.CountTo(_remote.Name).Should().Be(1);

        _time.Advance(TimeSpan.FromSeconds(61));
        (await KeysAt(keys, Now, "ed25519:unknown")).Should().BeEmpty();
        _client.CountTo(_remote.Name).Should().Be(2);
        (await KeysAt(keys, Now)).Should().ContainKey(_remote.Key.KeyId, "known keys need no fetch");
        _client.CountTo(_remote.Name).Should().Be(2);
    }

    [Fact]
    public async Task An_expired_response_is_refreshed_when_a_later_timestamp_is_asked_about()
    {
        Serve(KeyResponses.For(_remote, Now + Ms(TimeSpan.FromHours(1))));
        var keys = Create();
        (await KeysAt(keys, Now)).Should().NotBeEmpty();

        _time.Advance(TimeSpan.FromHours(2));
        Serve(KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(1))));

        (await KeysAt(keys, Now)).Should().ContainKey(_remote.Key.KeyId);
        _client.CountTo(_remote.Name).Should().Be(2);
    }

    [Fact]
    public async Task Concurrent_asks_for_one_server_share_one_fetch()
    {
        var gate = new TaskCompletionSource();
        var response = KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(1)));
        _client.Handler = async (_, _, _, _) =>
        {
            await gate.Task;
            return response;
        };
        var keys = Create();

        var asks = Enumerable.Range(0, 8).Select(_ => Task.Run(() => KeysAt(keys, Now))).ToList();
        await Task.Delay(50);
        gate.SetResult();
        var results = await Task.WhenAll(asks);

        results.Should().OnlyContain(r => r.ContainsKey(_remote.Key.KeyId));
        _client.CountTo(_remote.Name).Should().Be(1);
    }

    [Fact]
    public async Task Fetches_for_many_made_up_servers_are_capped_in_flight()
    {
        var gate = new TaskCompletionSource();
        var inFlight = 0;
        var mostInFlight = 0;
        _client.Handler = async (destination, _, _, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostInFlight, now);
            await gate.Task;
            Interlocked.Decrement(ref inFlight);
            throw new FederationRequestException(destination, "unreachable (fake)");
        };
        using var keys = Create(new ServerKeyOptions { MaxConcurrentFetches = 3 });

        var asks = Enumerable.Range(0, 30)
            .Select(i => Task.Run(() => keys.GetVerifyKeysAsync($"made-up-{i}.test", ["ed25519:a"], Now, CancellationToken.None)))
            .ToList();
        await Task.Delay(100);
        var heldBack = _client.Requests.Count;
        gate.SetResult();
        var results = await Task.WhenAll(asks);

        heldBack.Should().Be(3);
        mostInFlight.Should().Be(3);
        results.Should().OnlyContain(r => r.Count == 0);
        _client.Requests.Select(r => r.Destination).Distinct().Should().HaveCount(30);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
            seen = previous;
    }

    [Fact]
    public async Task Stored_keys_survive_a_restart_without_fetching_again()
    {
        Serve(KeyResponses.For(_remote, Now + Ms(TimeSpan.FromDays(1))));
        await KeysAt(Create(), Now);
        _client.Handler = (destination, _, _, _) => throw new FederationRequestException(destination, "offline");

        var restarted = Create();

        (await KeysAt(restarted, Now)).Should().ContainKey(_remote.Key.KeyId);
        (await restarted.GetResponseAsync(_remote.Name, Now, CancellationToken.None))!["server_name"]!.GetValue<string>().Should().Be(_remote.Name);
        _client.CountTo(_remote.Name).Should().Be(1);
    }

    [Fact]
    public async Task This_servers_own_key_is_answered_without_a_request()
    {
        var keys = Create();

        var found = await keys.GetVerifyKeysAsync("self.test", [_ownKey.KeyId], Now, CancellationToken.None);

        found[_ownKey.KeyId].PublicKey.Should().Equal(_ownKey.PublicKey);
        _client.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Invalid_server_names_and_other_algorithms_ask_nothing()
    {
        var keys = Create();

        (await keys.GetVerifyKeysAsync("not a server", [_remote.Key.KeyId], Now, CancellationToken.None)).Should().BeEmpty();
        (await keys.GetVerifyKeysAsync(_remote.Name, ["curve25519:x"], Now, CancellationToken.None)).Should().BeEmpty();
        _client.Requests.Should().BeEmpty();
    }
}
