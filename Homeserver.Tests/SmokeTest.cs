using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests;

public class RoomVersionRegistryTests
{
    [Fact]
    public void All_stable_versions_1_to_12_are_registered_in_order()
    {
        RoomVersionRegistry.Stable.Select(v => v.Id).Should().Equal(Enumerable.Range(1, 12).Select(i => i.ToString()));
        RoomVersionRegistry.Default.Should().Be(RoomVersion.V12);
    }

    [Fact]
    public void Versions_are_diffs_of_their_predecessor()
    {
        RoomVersion.V6.Rules.StrictCanonicalJson.Should().BeTrue();
        RoomVersion.V5.Rules.StrictCanonicalJson.Should().BeFalse();
        RoomVersion.V7.Rules.KnockingAllowed.Should().BeTrue();
        RoomVersion.V12.Rules.KnockingAllowed.Should().BeTrue();
        RoomVersion.V12.Rules.StateResolution.Should().Be(StateResolutionAlgorithm.V2_1);
        RoomVersion.V11.Rules.CreateEventInAuthEvents.Should().BeTrue();
        RoomVersion.V12.Rules.CreateEventInAuthEvents.Should().BeFalse();
    }
}
