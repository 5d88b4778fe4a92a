using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>A fast exact comparison of state maps that falls back to FluentAssertions for the message.</summary>
internal static class StateAssertions
{
    public static void ShouldMatch(this StateMap? actual, StateMap expected, string because = "")
    {
        actual.Should().NotBeNull(because);
        var same = actual!.Count == expected.Count
            && actual.All(entry => expected.TryGetValue(entry.Key, out var eventId) && eventId == entry.Value);
        if (!same)
            actual.Should().BeEquivalentTo(expected, because);
    }
}
