using Homeserver.Storage.Push;

namespace Homeserver.Tests.Storage.Push;

/// <summary>User-defined push rules and their order, run against each backend by the subclasses below.</summary>
public abstract class PushRuleStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<PushRuleStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewUser() => $"@u{Guid.NewGuid():N}:example.org";

    private static Task<PushRuleWriteResult> PutAsync(PushRuleStore store, string user, string ruleId, string? before = null, string? after = null,
        string actions = """["notify"]""") =>
        store.UpsertAsync(user, "content", ruleId, null, ruleId + "*", actions, new PushRulePlacement(before, after), None);

    private static async Task<List<string>> OrderAsync(PushRuleStore store, string user) =>
        [.. (await store.GetForUserAsync(user, None)).Where(r => r.Kind == "content").Select(r => r.RuleId)];

    [SkippableFact]
    public async Task New_rules_go_first_unless_placed_before_or_after_another()
    {
        var store = await StoreAsync();
        var user = NewUser();

        (await PutAsync(store, user, "a")).Should().Be(PushRuleWriteResult.Written);
        await PutAsync(store, user, "b");
        await PutAsync(store, user, "c", after: "a");
        await PutAsync(store, user, "d", before: "a");
        await PutAsync(store, user, "e", before: "b", after: "c");

        (await OrderAsync(store, user)).Should().Equal("e", "b", "d", "a", "c");
        (await PutAsync(store, user, "f", before: "missing")).Should().Be(PushRuleWriteResult.RelativeRuleNotFound);
        (await PutAsync(store, user, "e", after: "e")).Should().Be(PushRuleWriteResult.RelativeRuleNotFound);
        (await OrderAsync(store, user)).Should().Equal("e", "b", "d", "a", "c");
    }

    [SkippableFact]
    public async Task Updating_keeps_place_and_enabled_unless_moved()
    {
        var store = await StoreAsync();
        var user = NewUser();
        await PutAsync(store, user, "a");
        await PutAsync(store, user, "b");
        (await store.SetEnabledAsync(user, "content", "a", false, None)).Should().BeTrue();

        await PutAsync(store, user, "a", actions: "[]");
        (await OrderAsync(store, user)).Should().Equal("b", "a");
        var a = (await store.GetForUserAsync(user, None)).Single(r => r.RuleId == "a");
        a.Enabled.Should().BeFalse();
        a.ActionsJson.Should().Be("[]");
        a.Pattern.Should().Be("a*");

        await PutAsync(store, user, "a", before: "b");
        (await OrderAsync(store, user)).Should().Equal("a", "b");
    }

    [SkippableFact]
    public async Task Rules_are_kept_per_user_and_kind_and_can_be_changed_and_deleted()
    {
        var store = await StoreAsync();
        var user = NewUser();
        await store.UpsertAsync(user, "override", "x", """[{"kind":"event_match","key":"type","pattern":"m.*"}]""", null, """["notify"]""",
            PushRulePlacement.Default, None);
        await PutAsync(store, user, "x");
        await PutAsync(store, NewUser(), "x");

        (await store.SetActionsAsync(user, "override", "x", """["notify",{"set_tweak":"highlight"}]""", None)).Should().BeTrue();
        (await store.SetActionsAsync(user, "underride", "x", "[]", None)).Should().BeFalse();
        (await store.SetEnabledAsync(user, "room", "x", true, None)).Should().BeFalse();
        var rules = await store.GetForUserAsync(user, None);
        rules.Select(r => (r.Kind, r.RuleId, r.Enabled)).Should().Equal(("content", "x", true), ("override", "x", true));
        rules[1].ConditionsJson.Should().Contain("event_match");
        rules[1].ActionsJson.Should().Contain("highlight");

        (await store.DeleteAsync(user, "content", "x", None)).Should().BeTrue();
        (await store.DeleteAsync(user, "content", "x", None)).Should().BeFalse();
        (await store.GetForUserAsync(user, None)).Select(r => r.Kind).Should().Equal("override");
    }
}

public sealed class SqlitePushRuleStoreTests(SqliteBackendFixture fixture) : PushRuleStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresPushRuleStoreTests(PostgresBackendFixture fixture) : PushRuleStoreTests<PostgresBackendFixture>(fixture);
