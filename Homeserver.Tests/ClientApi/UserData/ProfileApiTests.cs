using System.Net;
using Homeserver.Federation.Http;
using Homeserver.Storage.UserData;
using Homeserver.Tests.Http;
using Homeserver.UserData;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.ClientApi.UserData.UserDataTestClient;

namespace Homeserver.Tests.ClientApi.UserData;

public class ProfileApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly HttpClient _client = host.CreateClient();

    private async Task<(string UserId, string Token)> NewUserAsync(string? displayName = "Alice")
    {
        var userId = NewUserId();
        await host.Services.GetRequiredService<IProfileStore>().CreateAsync(userId, displayName, CancellationToken.None);
        return (userId, await host.AddTokenAsync(userId, "DEVICE"));
    }

    private static string ProfilePath(string userId, string? field = null) =>
        $"{V3}/profile/{Escape(userId)}" + (field is null ? "" : "/" + field);

    [Fact]
    public async Task The_profile_of_a_registered_user_is_readable_without_a_token_by_default()
    {
        var (userId, _) = await NewUserAsync("Alice");

        var profile = await (await _client.SendAsync(HttpMethod.Get, ProfilePath(userId), null)).ShouldBeOkAsync();
        profile.ShouldEqualJson("""{"displayname":"Alice"}""");
        var field = await (await _client.SendAsync(HttpMethod.Get, ProfilePath(userId, "displayname"), null)).ShouldBeOkAsync();
        field.ShouldEqualJson("""{"displayname":"Alice"}""");
    }

    [Fact]
    public async Task Setting_display_name_and_avatar_shows_in_the_profile_under_v3_and_r0()
    {
        var (userId, token) = await NewUserAsync();

        (await (await _client.SendAsync(HttpMethod.Put, ProfilePath(userId, "displayname"), token, """{"displayname":"Alice W."}""")).ShouldBeOkAsync())
            .ShouldEqualJson("{}");
        await (await _client.SendAsync(HttpMethod.Put, $"/_matrix/client/r0/profile/{Escape(userId)}/avatar_url", token, """{"avatar_url":"mxc://test.example/AbC_12-x"}""")).ShouldBeOkAsync();

        (await (await _client.SendAsync(HttpMethod.Get, ProfilePath(userId), token)).ShouldBeOkAsync())
            .ShouldEqualJson("""{"displayname":"Alice W.","avatar_url":"mxc://test.example/AbC_12-x"}""");
        (await (await _client.SendAsync(HttpMethod.Get, ProfilePath(userId, "avatar_url"), null)).ShouldBeOkAsync())
            .ShouldEqualJson("""{"avatar_url":"mxc://test.example/AbC_12-x"}""");
    }

    [Fact]
    public async Task An_empty_value_or_delete_clears_a_field_which_then_reads_as_404()
    {
        var (userId, token) = await NewUserAsync();
        await (await _client.SendAsync(HttpMethod.Put, ProfilePath(userId, "avatar_url"), token, """{"avatar_url":"mxc://test.example/a"}""")).ShouldBeOkAsync();

        await (await _client.SendAsync(HttpMethod.Put, ProfilePath(userId, "displayname"), token, """{"displayname":""}""")).ShouldBeOkAsync();
        (await (await _client.SendAsync(HttpMethod.Delete, ProfilePath(userId, "avatar_url"), token)).ShouldBeOkAsync()).ShouldEqualJson("{}");

        (await (await _client.SendAsync(HttpMethod.Get, ProfilePath(userId), token)).ShouldBeOkAsync()).ShouldEqualJson("{}");
        await (await _client.SendAsync(HttpMethod.Get, ProfilePath(userId, "displayname"), token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await _client.SendAsync(HttpMethod.Get, ProfilePath(userId, "avatar_url"), token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task An_unknown_user_is_404_and_a_malformed_user_id_is_400()
    {
        await (await _client.SendAsync(HttpMethod.Get, ProfilePath(NewUserId()), null)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await _client.SendAsync(HttpMethod.Get, ProfilePath(NewUserId(), "displayname"), null)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await _client.SendAsync(HttpMethod.Get, ProfilePath("not-a-user-id"), null)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Changing_needs_a_token_and_only_the_user_may_change_their_profile()
    {
        var (alice, aliceToken) = await NewUserAsync("Alice");
        var (_, bobToken) = await NewUserAsync("Bob");

        await (await _client.SendAsync(HttpMethod.Put, ProfilePath(alice, "displayname"), null, """{"displayname":"x"}""")).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
        await (await _client.SendAsync(HttpMethod.Put, ProfilePath(alice, "displayname"), bobToken, """{"displayname":"Mallory"}""")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Put, ProfilePath(alice, "avatar_url"), bobToken, """{"avatar_url":"mxc://test.example/x"}""")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _client.SendAsync(HttpMethod.Delete, ProfilePath(alice, "displayname"), bobToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);

        (await (await _client.SendAsync(HttpMethod.Get, ProfilePath(alice), aliceToken)).ShouldBeOkAsync()).ShouldEqualJson("""{"displayname":"Alice"}""");
    }

    [Theory]
    [InlineData("displayname", "{}", 400, ErrorCodes.MissingParam)]
    [InlineData("displayname", """{"avatar_url":"mxc://a/b"}""", 400, ErrorCodes.MissingParam)]
    [InlineData("displayname", """{"displayname":null}""", 400, ErrorCodes.BadJson)]
    [InlineData("displayname", """{"displayname":42}""", 400, ErrorCodes.BadJson)]
    [InlineData("displayname", """["displayname"]""", 400, ErrorCodes.BadJson)]
    [InlineData("displayname", """{"displayname":"x\u0000y"}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("displayname", """{"displayname":"unterminated""", 400, ErrorCodes.NotJson)]
    [InlineData("avatar_url", """{"avatar_url":"https://example.org/a.png"}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("avatar_url", """{"avatar_url":"mxc://test.example/"}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("avatar_url", """{"avatar_url":"mxc://bad server/abc"}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("avatar_url", """{"avatar_url":"mxc://test.example/a/b"}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("avatar_url", """{"avatar_url":{}}""", 400, ErrorCodes.BadJson)]
    public async Task Bad_bodies_are_rejected_and_change_nothing(string field, string body, int status, string errcode)
    {
        var (userId, token) = await NewUserAsync("Alice");

        await (await _client.SendAsync(HttpMethod.Put, ProfilePath(userId, field), token, body)).ShouldBeMatrixErrorAsync(status, errcode);

        (await (await _client.SendAsync(HttpMethod.Get, ProfilePath(userId), token)).ShouldBeOkAsync()).ShouldEqualJson("""{"displayname":"Alice"}""");
    }

    [Fact]
    public async Task Lengths_are_limited()
    {
        var (userId, token) = await NewUserAsync();
        var longest = new string('é', ProfileFields.MaxDisplayNameLength);

        await (await _client.SendAsync(HttpMethod.Put, ProfilePath(userId, "displayname"), token, $$"""{"displayname":"{{longest}}"}""")).ShouldBeOkAsync();
        await (await _client.SendAsync(HttpMethod.Put, ProfilePath(userId, "displayname"), token, $$"""{"displayname":"{{longest}}x"}"""))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        var longAvatar = "mxc://test.example/" + new string('a', ProfileFields.MaxAvatarUrlLength);
        await (await _client.SendAsync(HttpMethod.Put, ProfilePath(userId, "avatar_url"), token, $$"""{"avatar_url":"{{longAvatar}}"}"""))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Profile_reads_need_a_token_when_configured()
    {
        using var strict = TestHost.With(c => c.RequireAuthForProfileRequests = true);
        var client = strict.CreateClient();
        var userId = NewUserId();
        await strict.Services.GetRequiredService<IProfileStore>().CreateAsync(userId, "Carol", CancellationToken.None);
        var token = await strict.AddTokenAsync(NewUserId(), "D");

        await (await client.SendAsync(HttpMethod.Get, ProfilePath(userId), null)).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
        await (await client.SendAsync(HttpMethod.Get, ProfilePath(userId, "displayname"), null)).ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
        (await (await client.SendAsync(HttpMethod.Get, ProfilePath(userId), token)).ShouldBeOkAsync()).ShouldEqualJson("""{"displayname":"Carol"}""");
    }

    [Fact]
    public async Task Profile_change_listeners_hear_each_real_change()
    {
        var listener = new RecordingListener();
        using var listening = host.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IProfileChangeListener>(listener)));
        var client = listening.CreateClient();
        var userId = NewUserId();
        await listening.Services.GetRequiredService<IProfileStore>().CreateAsync(userId, "Dan", CancellationToken.None);
        var token = await AddTokenAsync(listening, userId);

        await (await client.SendAsync(HttpMethod.Put, ProfilePath(userId, "displayname"), token, """{"displayname":"Daniel"}""")).ShouldBeOkAsync();
        await (await client.SendAsync(HttpMethod.Put, ProfilePath(userId, "displayname"), token, """{"displayname":"Daniel"}""")).ShouldBeOkAsync();

        listener.Changes.Should().Equal(new ProfileChange(userId, new ProfileRecord(userId, "Dan", null), new ProfileRecord(userId, "Daniel", null)));
    }

    private static async Task<string> AddTokenAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string userId)
    {
        var token = "syt_" + Guid.NewGuid().ToString("N");
        await factory.Services.GetRequiredService<Homeserver.Storage.Accounts.IAccessTokenStore>().AddAsync(
            Homeserver.Http.Auth.AccessTokenAuthenticator.HashToken(token),
            new Homeserver.Storage.Accounts.AccessTokenRecord(userId, "D", null, false), CancellationToken.None);
        return token;
    }

    private sealed class RecordingListener : IProfileChangeListener
    {
        public List<ProfileChange> Changes { get; } = [];

        public Task OnProfileChangedAsync(ProfileChange change, CancellationToken cancellationToken)
        {
            lock (Changes) Changes.Add(change);
            return Task.CompletedTask;
        }
    }
}
