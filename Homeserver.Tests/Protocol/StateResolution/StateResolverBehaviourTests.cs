using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.StateResolution;
using static Homeserver.Tests.Protocol.StateResolution.StateResolutionVectors;

namespace Homeserver.Tests.Protocol.StateResolution;

/// <summary>Determinism, unavailable and rejected events, and the auth difference's shortcuts.</summary>
public class StateResolverBehaviourTests
{
    public static TheoryData<string> StateSetCases =>
        [.. Cases.Where(c => (string)c["format"]! == "state-sets").Select(c => (string)c["name"]!)];

    private static (RoomVersion Version, Dictionary<string, Pdu> Events, List<IReadOnlyDictionary<TypeStateKey, string>> Sets, Dictionary<TypeStateKey, string> Expected)
        Load(string name)
    {
        var c = Case(name);
        var version = Version(c);
        var events = c["events"]!.AsArray().Select(e => ToPdu(e!, version)).ToDictionary(e => e.EventId);
        var sets = c["state_sets"]!.AsArray().Select(s => (IReadOnlyDictionary<TypeStateKey, string>)StateMap(s!)).ToList();
        return (version, events, sets, StateMap(c["expected_resolved_state"]!));
    }

    [Theory]
    [MemberData(nameof(StateSetCases))]
    public void The_order_of_state_sets_and_of_their_entries_does_not_change_the_result(string name)
    {
        var (version, events, sets, expected) = Load(name);
        var random = new Random(4297);
        for (var round = 0; round < 5; round++)
        {
            var shuffled = sets.OrderBy(_ => random.Next())
                .Select(s => (IReadOnlyDictionary<TypeStateKey, string>)s.OrderBy(_ => random.Next()).ToDictionary())
                .ToList();
            StateResolver.Resolve(version, shuffled, id => events.GetValueOrDefault(id), StateResolutionTestAuth.Check)
                .Should().BeEquivalentTo(expected);
        }
    }

    [Fact]
    public void Duplicated_state_sets_do_not_change_the_result()
    {
        var (version, events, sets, expected) = Load("synapse-mainline-sort");
        StateResolver.Resolve(version, [.. sets, .. sets, sets[0]], id => events.GetValueOrDefault(id), StateResolutionTestAuth.Check)
            .Should().BeEquivalentTo(expected);
    }

    [Theory]
    [InlineData("synapse-ban-vs-pl")]
    [InlineData("ruma-msc4297-problem-b-state-res-v2-1")]
    public void An_unavailable_conflicted_event_is_not_a_candidate(string name)
    {
        var (version, events, sets, _) = Load(name);
        var split = ConflictedStateSplit.Split(sets, missingKeyConflicts: true);
        var (key, ids) = split.Conflicted.First(entry => entry.Value.Count == 2);

        foreach (var missing in ids)
        {
            var resolved = StateResolver.Resolve(version, sets, id => id == missing ? null : events.GetValueOrDefault(id), StateResolutionTestAuth.Check);
            resolved.Values.Should().NotContain(missing);
            resolved.Should().Contain(split.Unconflicted);
            if (resolved.TryGetValue(key, out var chosen)) ids.Should().Contain(chosen);
        }
    }

    [Theory]
    [MemberData(nameof(StateSetCases))]
    public void Unavailable_auth_events_do_not_crash_resolution(string name)
    {
        var (version, events, sets, _) = Load(name);
        var conflicted = ConflictedStateSplit.Split(sets, missingKeyConflicts: true);
        // Hide every auth event of every conflicted event, one at a time, and all at once.
        var authIds = conflicted.Conflicted.Values.SelectMany(ids => ids).Where(events.ContainsKey)
            .SelectMany(id => events[id].AuthEvents).Distinct().ToList();
        foreach (var hidden in authIds.Select(id => new[] { id }).Append(authIds.ToArray()))
        {
            var resolved = StateResolver.Resolve(version, sets, id => hidden.Contains(id) ? null : events.GetValueOrDefault(id), StateResolutionTestAuth.Check);
            resolved.Should().Contain(conflicted.Unconflicted);
        }
    }

    [Fact]
    public void Nothing_available_leaves_only_the_unconflicted_state()
    {
        var (version, _, sets, _) = Load("synapse-topic-basic");
        var resolved = StateResolver.Resolve(version, sets, _ => null, StateResolutionTestAuth.Check);
        resolved.Should().BeEquivalentTo(ConflictedStateSplit.Split(sets, missingKeyConflicts: true).Unconflicted);
    }

    [Fact]
    public void An_event_supplied_under_another_id_is_unavailable()
    {
        var (version, events, sets, _) = Load("synapse-ban-vs-pl");
        var wrong = events["$PB:example.com"];
        var resolved = StateResolver.Resolve(version, sets,
            id => id == "$PA:example.com" ? wrong : events.GetValueOrDefault(id), StateResolutionTestAuth.Check);

        resolved.Values.Should().NotContain("$PA:example.com");
        resolved.Should().BeEquivalentTo(StateResolver.Resolve(version, sets,
            id => id == "$PA:example.com" ? null : events.GetValueOrDefault(id), StateResolutionTestAuth.Check));
    }

    [Fact]
    public void A_rejected_event_never_enters_the_resolved_state()
    {
        var (version, events, sets, expected) = Load("synapse-ban-vs-pl");
        expected[new("m.room.power_levels", "")].Should().Be("$PA:example.com");

        var resolved = StateResolver.Resolve(version, sets, id => events.GetValueOrDefault(id), StateResolutionTestAuth.Check,
            isRejected: id => id == "$PA:example.com");

        resolved.Values.Should().NotContain("$PA:example.com");
        resolved.Should().Contain(ConflictedStateSplit.Split(sets, missingKeyConflicts: true).Unconflicted);
    }

    [Fact]
    public void Empty_and_single_inputs_are_returned_as_they_are()
    {
        StateResolver.Resolve(RoomVersion.V10, [], _ => null, StateResolutionTestAuth.Check).Should().BeEmpty();
        var only = new Dictionary<TypeStateKey, string> { [new("m.room.topic", "")] = "$t" };
        StateResolver.Resolve(RoomVersion.V10, [only], _ => null, StateResolutionTestAuth.Check).Should().BeEquivalentTo(only);
    }

    [Fact]
    public void The_auth_difference_leaves_out_events_that_the_unconflicted_state_also_cites()
    {
        // A ← B ← C, where C is unconflicted; X1 cites B and X2 cites A on the two sides.
        var graph = new Dictionary<string, IReadOnlyList<string>>
        {
            ["A"] = [], ["B"] = ["A"], ["C"] = ["B"], ["X1"] = ["B"], ["X2"] = ["A"],
        };
        TypeStateKey common = new("k", "1"), forked = new("k", "2");
        IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> sets =
        [
            new Dictionary<TypeStateKey, string> { [common] = "C", [forked] = "X1" },
            new Dictionary<TypeStateKey, string> { [common] = "C", [forked] = "X2" },
        ];
        var split = ConflictedStateSplit.Split(sets, missingKeyConflicts: true);

        AuthDifference.Compute(sets, split, id => graph.GetValueOrDefault(id)).Should().BeEmpty();

        // Without C citing B, B is in only one full auth chain.
        graph["C"] = ["A"];
        AuthDifference.Compute(sets, split, id => graph.GetValueOrDefault(id)).Should().BeEquivalentTo(["B"]);
    }

    public static TheoryData<string> AllCases => CaseNames();

    [Theory]
    [MemberData(nameof(AllCases))]
    public void The_auth_difference_equals_the_literal_definition(string name)
    {
        var c = Case(name);
        var version = Version(c);
        var events = (c["events"] ?? new JsonArray(c["pdu_batches"]!.AsArray().SelectMany(b => b!.AsArray()).Select(e => e!.DeepClone()).ToArray()))
            .AsArray().Select(e => ToPdu(e!, version)).ToDictionary(e => e.EventId);
        IReadOnlyList<string>? AuthEventsOf(string id) => events.GetValueOrDefault(id)?.AuthEvents;
        List<IReadOnlyDictionary<TypeStateKey, string>> sets = c["state_sets"] is { } given
            ? [.. given.AsArray().Select(s => (IReadOnlyDictionary<TypeStateKey, string>)StateMap(s!))]
            : [.. events.Values.Select(e => (IReadOnlyDictionary<TypeStateKey, string>)new Dictionary<TypeStateKey, string> { [e.StateEntryKey] = e.EventId })];

        // ∪Ci − ∩Ci, with Ci the union of the auth chains of every event of Si.
        var chains = sets.Select(s => AuthChain.Of(s.Values, AuthEventsOf)).ToList();
        var union = chains.SelectMany(chain => chain).ToHashSet();
        var intersection = chains.Skip(1).Aggregate(new HashSet<string>(chains[0]), (acc, chain) => { acc.IntersectWith(chain); return acc; });
        union.ExceptWith(intersection);

        AuthDifference.Compute(sets, ConflictedStateSplit.Split(sets, missingKeyConflicts: true), AuthEventsOf)
            .Should().BeEquivalentTo(union);
    }

    [Fact]
    public void Power_levels_built_in_memory_are_read_like_parsed_ones()
    {
        SenderPowerLevels.ReadLevel(JsonValue.Create(50)).Should().Be(50);
        SenderPowerLevels.ReadLevel(JsonValue.Create(50L)).Should().Be(50);
        SenderPowerLevels.ReadLevel(JsonNode.Parse("50")).Should().Be(50);
        SenderPowerLevels.ReadLevel(JsonNode.Parse("\"75\"")).Should().Be(75);
        SenderPowerLevels.ReadLevel(JsonNode.Parse("\"high\"")).Should().BeNull();
        SenderPowerLevels.ReadLevel(JsonNode.Parse("[1]")).Should().BeNull();
    }
}
