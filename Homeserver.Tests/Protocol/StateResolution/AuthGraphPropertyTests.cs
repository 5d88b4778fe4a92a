using Homeserver.Federation.Events;
using Homeserver.Federation.StateResolution;

namespace Homeserver.Tests.Protocol.StateResolution;

/// <summary>
/// The shortcuts of AuthDifference and ConflictedSubgraph against the literal definitions, on
/// random auth DAGs (fixed seeds, so failures reproduce).
/// </summary>
public class AuthGraphPropertyTests
{
    private static (Dictionary<string, IReadOnlyList<string>> Graph, List<IReadOnlyDictionary<TypeStateKey, string>> Sets) RandomRoom(int seed)
    {
        var random = new Random(seed);
        var nodes = random.Next(5, 40);
        var graph = new Dictionary<string, IReadOnlyList<string>>();
        for (var i = 0; i < nodes; i++)
            graph[$"e{i}"] = i == 0 ? [] : Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"e{random.Next(i)}").Distinct().ToList();

        var keys = Enumerable.Range(0, random.Next(1, 12)).Select(k => new TypeStateKey("t", $"k{k}")).ToList();
        var common = keys.ToDictionary(k => k, _ => $"e{random.Next(nodes)}");
        var sets = new List<IReadOnlyDictionary<TypeStateKey, string>>();
        for (var s = random.Next(2, 5); s > 0; s--)
        {
            var set = new Dictionary<TypeStateKey, string>();
            foreach (var key in keys)
            {
                var roll = random.Next(10);
                if (roll < 6) set[key] = common[key];
                else if (roll < 9) set[key] = $"e{random.Next(nodes)}";
            }
            sets.Add(set);
        }
        return (graph, sets);
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 200)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Auth_difference_matches_the_union_minus_the_intersection_of_full_auth_chains(int seed)
    {
        var (graph, sets) = RandomRoom(seed);
        IReadOnlyList<string>? AuthEventsOf(string id) => graph.GetValueOrDefault(id);

        var chains = sets.Select(s => AuthChain.Of(s.Values, AuthEventsOf)).ToList();
        var expected = chains.SelectMany(c => c).ToHashSet();
        expected.RemoveWhere(id => chains.All(c => c.Contains(id)));

        AuthDifference.Compute(sets, ConflictedStateSplit.Split(sets, missingKeyConflicts: true), AuthEventsOf)
            .Should().BeEquivalentTo(expected);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Conflicted_subgraph_is_every_event_on_a_path_between_conflicted_events(int seed)
    {
        var (graph, sets) = RandomRoom(seed);
        IReadOnlyList<string>? AuthEventsOf(string id) => graph.GetValueOrDefault(id);
        var conflicted = ConflictedStateSplit.Split(sets, missingKeyConflicts: true).Conflicted.Values.SelectMany(v => v).ToHashSet();

        // x is on such a path when some conflicted event reaches x and x reaches some conflicted event.
        HashSet<string> Reach(string id) => [id, .. AuthChain.Of([id], AuthEventsOf)];
        var expected = graph.Keys.Where(x =>
            conflicted.Any(c => Reach(c).Contains(x)) && Reach(x).Overlaps(conflicted)).ToHashSet();

        ConflictedSubgraph.Compute(conflicted, AuthEventsOf).Should().BeEquivalentTo(expected);
    }
}
