using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.StateResolution;
using static Homeserver.Tests.Protocol.StateResolution.StateResolutionVectors;

namespace Homeserver.Tests.Protocol.StateResolution;

/// <summary>Every full resolution case of state-resolution-v2.json.</summary>
public class StateResolutionVectorTests
{
    public static TheoryData<string> AllCases => CaseNames();

    [Fact]
    public void The_vector_file_has_all_expected_cases()
    {
        AllCases.Should().HaveCount(21);
        Cases.Select(c => (string)c["algorithm"]!).Should().Contain(["v2", "v2.1"]);
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Resolves_to_the_expected_state(string name)
    {
        var c = Case(name);
        var version = Version(c);
        ((string)c["algorithm"]!).Should().Be(version.Rules.StateResolution == StateResolutionAlgorithm.V2_1 ? "v2.1" : "v2");
        var expected = StateMap(c["expected_resolved_state"]!);

        if ((string)c["format"]! == "state-sets")
        {
            var events = c["events"]!.AsArray().Select(e => ToPdu(e!, version)).ToDictionary(e => e.EventId);
            var stateSets = c["state_sets"]!.AsArray().Select(s => (IReadOnlyDictionary<TypeStateKey, string>)StateMap(s!)).ToList();
            Resolve(version, stateSets, events).Should().BeEquivalentTo(expected);
        }
        else
        {
            var batches = c["pdu_batches"]!.AsArray()
                .Select(b => b!.AsArray().Select(e => ToPdu(e!, version)).ToList()).ToList();
            var events = batches.SelectMany(b => b).ToDictionary(e => e.EventId);

            // All at once: one singleton state map per PDU.
            var singletons = events.Values.Select(e => Singleton(e)).ToList();
            Resolve(version, singletons, events).Should().BeEquivalentTo(expected);

            // Batch by batch: the previous result plus one singleton state map per PDU of the batch.
            IReadOnlyDictionary<TypeStateKey, string> state = new Dictionary<TypeStateKey, string>();
            foreach (var batch in batches)
                state = Resolve(version, [state, .. batch.Select(Singleton)], events);
            state.Should().BeEquivalentTo(expected);
        }
    }

    private static IReadOnlyDictionary<TypeStateKey, string> Singleton(Pdu ev) =>
        new Dictionary<TypeStateKey, string> { [ev.StateEntryKey] = ev.EventId };

    private static IReadOnlyDictionary<TypeStateKey, string> Resolve(RoomVersion version,
        IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> stateSets, Dictionary<string, Pdu> events) =>
        StateResolver.Resolve(version, stateSets, id => events.GetValueOrDefault(id), StateResolutionTestAuth.Check);
}
