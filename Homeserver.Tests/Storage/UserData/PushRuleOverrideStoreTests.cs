using Homeserver.Storage.UserData;

namespace Homeserver.Tests.Storage.UserData;

/// <summary>The push rule override store, run against each backend by the subclasses below.</summary>
public abstract class PushRuleOverrideStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<PushRuleOverrideStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUser() => $"@u{Guid.NewGuid():N}:example.org";

    [SkippableFact]
    public async Task A_user_without_overrides_has_none()
    {
        var store = await StoreAsync();

        (await store.GetForUserAsync(NewUser(), CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Enabled_and_actions_are_kept_independently_per_rule_and_user()
    {
        var store = await StoreAsync();
        var user = NewUser();

        await store.SetEnabledAsync(user, "override", ".m.rule.master", true, CancellationToken.None);
        await store.SetActionsAsync(user, "underride", ".m.rule.message", """["notify"]""", CancellationToken.None);
        await store.SetEnabledAsync(user, "underride", ".m.rule.message", false, CancellationToken.None);
        await store.SetEnabledAsync(NewUser(), "override", ".m.rule.master", true, CancellationToken.None);

        (await store.GetForUserAsync(user, CancellationToken.None)).Should().Equal(
            new PushRuleOverride("override", ".m.rule.master", true, null),
            new PushRuleOverride("underride", ".m.rule.message", false, """["notify"]"""));
    }
}

public sealed class SqlitePushRuleOverrideStoreTests(SqliteBackendFixture fixture) : PushRuleOverrideStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresPushRuleOverrideStoreTests(PostgresBackendFixture fixture) : PushRuleOverrideStoreTests<PostgresBackendFixture>(fixture);
