using Homeserver.Federation.Events;
using Homeserver.Federation.StateResolution;
using static Homeserver.Tests.Protocol.StateResolution.StateResolutionVectors;

namespace Homeserver.Tests.Protocol.StateResolution;

/// <summary>Every component case of state-resolution-v2.json.</summary>
public class StateResolutionComponentTests
{
    public static TheoryData<string> TopologicalSortCases => CaseNames("lexicographic-topological-sort");
    public static TheoryData<string> ComparatorCases => CaseNames("power-ordering-comparator");
    public static TheoryData<string> PowerOrderingCases => CaseNames("reverse-topological-power-ordering");
    public static TheoryData<string> FullAuthChainCases => CaseNames("full-auth-chain");
    public static TheoryData<string> ConflictedSubgraphCases => CaseNames("full-auth-chain-and-conflicted-subgraph");
    public static TheoryData<string> SplitCases => CaseNames("split-conflicted-state");

    [Fact]
    public void The_vector_file_has_all_component_cases()
    {
        ComponentCases.Should().HaveCount(13);
        new[] { TopologicalSortCases, ComparatorCases, PowerOrderingCases, FullAuthChainCases, ConflictedSubgraphCases, SplitCases }
            .Sum(d => d.Count).Should().Be(13);
    }

    [Theory]
    [MemberData(nameof(TopologicalSortCases))]
    public void Lexicographic_topological_sort(string name)
    {
        var c = ComponentCase(name);
        var graph = Graph(c["graph"]!).ToDictionary(p => p.Key, p => (IReadOnlyCollection<string>)p.Value);
        LexicographicalTopologicalSort.Sort(graph, StringComparer.Ordinal).Should().Equal(Strings(c["expected_order"]!));
    }

    [Theory]
    [MemberData(nameof(ComparatorCases))]
    public void Power_ordering_comparator(string name)
    {
        var c = ComponentCase(name);
        var keys = c["items"]!.AsArray()
            .Select(i => new PowerOrderingKey((long)i!["power_level"]!, (long)i["origin_server_ts"]!, (string)i["event_id"]!))
            .Reverse().ToList();
        keys.Sort();
        keys.Select(k => k.EventId).Should().Equal(Strings(c["expected_order"]!));
    }

    [Theory]
    [MemberData(nameof(PowerOrderingCases))]
    public void Reverse_topological_power_ordering(string name)
    {
        var c = ComponentCase(name);
        var version = Version(c);
        var events = c["events"]!.AsArray().Select(e => ToPdu(e!, version)).ToDictionary(e => e.EventId);
        var lookup = new EventLookup(id => events.GetValueOrDefault(id));
        var all = events.Keys.ToHashSet(StringComparer.Ordinal);

        ReverseTopologicalPowerOrdering.Sort(events.Keys.Reverse(), all, lookup, new SenderPowerLevels(lookup))
            .Should().Equal(Strings(c["expected_order"]!));
    }

    [Theory]
    [MemberData(nameof(FullAuthChainCases))]
    public void Full_auth_chain(string name)
    {
        var c = ComponentCase(name);
        var graph = Graph(c["auth_graph"]!);
        AuthChain.Of(Strings(c["state_event_ids"]!), id => graph.GetValueOrDefault(id))
            .Should().BeEquivalentTo(Strings(c["expected_full_auth_chain"]!));
    }

    [Theory]
    [MemberData(nameof(ConflictedSubgraphCases))]
    public void Full_auth_chain_and_conflicted_subgraph(string name)
    {
        var c = ComponentCase(name);
        var graph = Graph(c["auth_graph"]!);
        IReadOnlyList<string>? AuthEventsOf(string id) => graph.GetValueOrDefault(id);

        AuthChain.Of(Strings(c["state_event_ids"]!), AuthEventsOf).Should().BeEquivalentTo(Strings(c["expected_full_auth_chain"]!));
        ConflictedSubgraph.Compute(Strings(c["conflicted_event_ids"]!), AuthEventsOf)
            .Should().BeEquivalentTo(Strings(c["expected_conflicted_subgraph"]!));
    }

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void Split_conflicted_state(string name)
    {
        var c = ComponentCase(name);
        var stateSets = c["state_sets"]!.AsArray().Select(s => (IReadOnlyDictionary<TypeStateKey, string>)StateMap(s!)).ToList();

        var split = ConflictedStateSplit.Split(stateSets, missingKeyConflicts: true);

        split.Unconflicted.Should().BeEquivalentTo(StateMap(c["expected_unconflicted"]!));
        var expectedConflicted = c["expected_conflicted"]!.AsArray().ToDictionary(
            e => new TypeStateKey((string)e!["type"]!, (string)e["state_key"]!), e => Strings(e!["event_ids"]!));
        split.Conflicted.Keys.Should().BeEquivalentTo(expectedConflicted.Keys);
        foreach (var (key, ids) in expectedConflicted) split.Conflicted[key].Should().BeEquivalentTo(ids);
    }
}
