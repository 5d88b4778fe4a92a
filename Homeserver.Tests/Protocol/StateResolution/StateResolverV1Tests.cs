using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.StateResolution;
using static Homeserver.Tests.Protocol.StateResolution.TestRoom;

namespace Homeserver.Tests.Protocol.StateResolution;

/// <summary>State resolution v1 (room v1), on small graphs built from the spec's description.</summary>
public class StateResolverV1Tests
{
    private static readonly string[] Common = ["$create:x", "$ima:x", "$ipower:x", "$ijr:x", "$imb:x", "$imc:x"];
    private static readonly string[] AuthByAlice = ["$create:x", "$ima:x", "$ipower:x"];
    private static readonly string[] AuthByBob = ["$create:x", "$imb:x", "$ipower:x"];
    private static readonly string[] AuthByCarol = ["$create:x", "$imc:x", "$ipower:x"];

    private static IReadOnlyDictionary<TypeStateKey, string> Resolve(TestRoom room, params IReadOnlyDictionary<TypeStateKey, string>[] sets) =>
        StateResolver.Resolve(RoomVersion.V1, sets, room.Fetch, StateResolutionTestAuth.Check);

    [Fact]
    public void Conflicting_power_levels_that_are_all_allowed_end_with_the_last_in_depth_then_descending_sha1_order()
    {
        var room = WithMembers(RoomVersion.V1);
        var levels = new JsonObject { ["users"] = new JsonObject { [Alice] = 100, [Bob] = 50, [Carol] = 10 } };
        room.Add("$pa:x", "m.room.power_levels", "", Alice, levels, AuthByAlice, ["$imc:x"], 7);
        room.Add("$pb:x", "m.room.power_levels", "", Alice, (JsonObject)levels.DeepClone(), AuthByAlice, ["$imc:x"], 7);

        var resolved = Resolve(room, room.State([.. Common.Where(id => id != "$ipower:x"), "$pa:x"]),
            room.State([.. Common.Where(id => id != "$ipower:x"), "$pb:x"]));

        // Same depth: the list is in descending sha1 order, and each later one is allowed.
        var expected = new[] { "$pa:x", "$pb:x" }.OrderBy(Sha1, StringComparer.Ordinal).First();
        resolved[new("m.room.power_levels", "")].Should().Be(expected);
    }

    [Fact]
    public void A_later_power_levels_event_not_allowed_after_an_earlier_one_loses()
    {
        var room = WithMembers(RoomVersion.V1);
        // Alice demotes bob at depth 7; bob (still 50 on his fork) edits the levels at depth 8.
        room.Add("$pa:x", "m.room.power_levels", "", Alice,
            new JsonObject { ["users"] = new JsonObject { [Alice] = 100 } }, AuthByAlice, ["$imc:x"], 7);
        room.Add("$pb:x", "m.room.power_levels", "", Bob,
            new JsonObject { ["users"] = new JsonObject { [Alice] = 100, [Bob] = 50 }, ["state_default"] = 40 }, AuthByBob, ["$imc:x"], 8);

        var resolved = Resolve(room, room.State([.. Common.Where(id => id != "$ipower:x"), "$pa:x"]),
            room.State([.. Common.Where(id => id != "$ipower:x"), "$pb:x"]));

        resolved[new("m.room.power_levels", "")].Should().Be("$pa:x");
    }

    [Fact]
    public void Other_conflicts_take_the_deepest_event_that_is_allowed()
    {
        var room = WithMembers(RoomVersion.V1);
        room.Add("$ta:x", "m.room.topic", "", Bob, new JsonObject { ["topic"] = "bob's" }, AuthByBob, ["$imc:x"], 7);
        // Deeper, but carol (level 0) may not set state (state_default 50).
        room.Add("$tc:x", "m.room.topic", "", Carol, new JsonObject { ["topic"] = "carol's" }, AuthByCarol, ["$imc:x"], 9);

        var resolved = Resolve(room, room.State([.. Common, "$ta:x"]), room.State([.. Common, "$tc:x"]));

        resolved[new("m.room.topic", "")].Should().Be("$ta:x");
        resolved.Should().HaveCount(Common.Length + 1);
    }

    [Fact]
    public void The_deepest_allowed_event_wins_when_several_are_allowed()
    {
        var room = WithMembers(RoomVersion.V1);
        room.Add("$ta:x", "m.room.topic", "", Bob, new JsonObject { ["topic"] = "bob's" }, AuthByBob, ["$imc:x"], 7);
        room.Add("$tb:x", "m.room.topic", "", Alice, new JsonObject { ["topic"] = "alice's" }, AuthByAlice, ["$imc:x"], 8);

        var resolved = Resolve(room, room.State([.. Common, "$ta:x"]), room.State([.. Common, "$tb:x"]));

        resolved[new("m.room.topic", "")].Should().Be("$tb:x");
    }

    [Fact]
    public void Memberships_are_resolved_after_power_levels_against_the_resolved_levels()
    {
        var room = WithMembers(RoomVersion.V1);
        // Bob kicks carol on one fork; on the other alice demotes bob below carol's level.
        room.Add("$kick:x", "m.room.member", Carol, Bob, new JsonObject { ["membership"] = "leave" }, [.. AuthByBob, "$imc:x"], ["$imc:x"], 8);
        room.Add("$pa:x", "m.room.power_levels", "", Alice,
            new JsonObject { ["users"] = new JsonObject { [Alice] = 100 } }, AuthByAlice, ["$imc:x"], 7);

        var resolved = Resolve(room,
            room.State([.. Common.Where(id => id != "$imc:x"), "$kick:x"]),
            room.State([.. Common.Where(id => id != "$ipower:x"), "$pa:x"]));

        // Power levels: $ipower (depth 3) then $pa (depth 7, allowed) → $pa. Carol's membership:
        // $imc (depth 6) then the kick, which bob (now 0) may not do → $imc stays.
        resolved[new("m.room.power_levels", "")].Should().Be("$pa:x");
        resolved[new("m.room.member", Carol)].Should().Be("$imc:x");
    }

    [Fact]
    public void A_key_missing_from_some_state_sets_is_not_a_conflict_in_v1()
    {
        var room = WithMembers(RoomVersion.V1);
        room.Add("$ta:x", "m.room.topic", "", Carol, new JsonObject { ["topic"] = "not allowed but unconflicted" }, AuthByCarol, ["$imc:x"], 7);

        var resolved = Resolve(room, room.State([.. Common, "$ta:x"]), room.State(Common));

        resolved[new("m.room.topic", "")].Should().Be("$ta:x");
    }

    [Fact]
    public void The_result_does_not_depend_on_the_order_of_the_state_sets()
    {
        var room = WithMembers(RoomVersion.V1);
        room.Add("$ta:x", "m.room.topic", "", Bob, new JsonObject { ["topic"] = "a" }, AuthByBob, ["$imc:x"], 7);
        room.Add("$tb:x", "m.room.topic", "", Alice, new JsonObject { ["topic"] = "b" }, AuthByAlice, ["$imc:x"], 7);
        room.Add("$tc:x", "m.room.topic", "", Alice, new JsonObject { ["topic"] = "c" }, AuthByAlice, ["$imc:x"], 7);
        var sets = new[] { "$ta:x", "$tb:x", "$tc:x" }.Select(t => room.State([.. Common, t])).ToArray();

        var first = Resolve(room, sets);
        Resolve(room, sets.Reverse().ToArray()).Should().BeEquivalentTo(first);
        Resolve(room, [sets[1], sets[2], sets[0]]).Should().BeEquivalentTo(first);
        // Same depth, all allowed: lowest sha1(event_id) wins.
        first[new("m.room.topic", "")].Should().Be(new[] { "$ta:x", "$tb:x", "$tc:x" }.OrderBy(Sha1, StringComparer.Ordinal).First());
    }

    [Fact]
    public void An_event_listed_under_a_key_that_is_not_its_own_is_not_a_candidate()
    {
        var room = WithMembers(RoomVersion.V1);
        room.Add("$ta:x", "m.room.topic", "", Bob, new JsonObject { ["topic"] = "a" }, AuthByBob, ["$imc:x"], 7);
        room.Add("$name:x", "m.room.name", "", Alice, new JsonObject { ["name"] = "n" }, AuthByAlice, ["$imc:x"], 8);
        var bogus = new Dictionary<TypeStateKey, string>(room.State(Common)) { [new("m.room.topic", "")] = "$name:x" };

        var resolved = Resolve(room, room.State([.. Common, "$ta:x"]), bogus);

        resolved[new("m.room.topic", "")].Should().Be("$ta:x");
    }

    private static string Sha1(string id) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(id)));
}
