using Homeserver.Push;

namespace Homeserver.Notifications;

/// <summary>
/// The outcome most joined members' push rules gave an event: stored once for the room, so only members whose rules
/// said something else need a row of their own (most users keep the default rules, which treat everyone alike).
/// </summary>
public static class CommonPushOutcome
{
    /// <summary>
    /// The notification most of <paramref name="outcomes"/> share, or null when most got none (no notification is
    /// preferred on a tie: it needs no room row).
    /// </summary>
    public static PushActions? Of(IReadOnlyList<PushActions?> outcomes)
    {
        PushActions? best = null;
        var bestCount = 0;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var none = 0;
        foreach (var actions in outcomes)
        {
            if (actions is null)
            {
                none++;
                continue;
            }
            var count = counts[actions.ActionsJson] = counts.GetValueOrDefault(actions.ActionsJson) + 1;
            if (count > bestCount)
                (best, bestCount) = (actions, count);
        }
        return bestCount > none ? best : null;
    }

    /// <summary>Whether a member's outcome is the common one (so the room's row speaks for them).</summary>
    public static bool IsSame(PushActions? outcome, PushActions? common) =>
        outcome is null ? common is null : common is not null && outcome.ActionsJson == common.ActionsJson;
}
