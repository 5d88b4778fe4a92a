using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// The power level of an event's sender as its own auth events say (used to order power events).
/// Computed once per event within a resolution.
/// </summary>
public sealed class SenderPowerLevels(EventLookup events)
{
    /// <summary>The level of a room creator in versions where creators have infinite power (v12).</summary>
    public const long CreatorPower = long.MaxValue;

    private readonly Dictionary<string, long> _cache = new(StringComparer.Ordinal);

    public long Of(Pdu ev)
    {
        if (_cache.TryGetValue(ev.EventId, out var cached)) return cached;
        var level = Compute(ev);
        _cache[ev.EventId] = level;
        return level;
    }

    private long Compute(Pdu ev)
    {
        if (ev is { Type: EventTypeNames.Create, StateKey: "" }) return 0;
        var rules = ev.RoomVersion.Rules;
        var create = events.CreateEventFor(ev);
        if (create is not null && rules.CreatorsHaveInfinitePower && IsCreator(create, ev.Sender)) return CreatorPower;

        var powerLevels = events.PowerLevelsAuthEventOf(ev);
        if (powerLevels is null)
        {
            // No power levels yet: the creator has 100, everyone else 0.
            var creator = create is null ? null
                : rules.CreatorIsCreateEventSender ? create.Sender
                : ReadString(create.Content["creator"]);
            return creator is not null && creator == ev.Sender ? 100 : 0;
        }
        var users = powerLevels.Content["users"] as JsonObject;
        return ReadLevel(users?[ev.Sender]) ?? ReadLevel(powerLevels.Content["users_default"]) ?? 0;
    }

    /// <summary>The create event's sender and, where creators have infinite power, its additional_creators.</summary>
    public static bool IsCreator(Pdu create, string userId)
    {
        if (create.Sender == userId) return true;
        if (create.Content["additional_creators"] is not JsonArray extra) return false;
        return extra.Any(node => ReadString(node) == userId);
    }

    /// <summary>
    /// Reads a power level value: a JSON integer or, as old room versions allowed, a string holding
    /// one. Anything else counts as absent.
    /// </summary>
    public static long? ReadLevel(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                if (value.TryGetValue(out long l)) return l;
                if (value.TryGetValue(out int i)) return i;
                return value.TryGetValue(out double d) && double.IsFinite(d) && Math.Abs(d) < 9e15 ? (long)Math.Truncate(d) : null;
            case JsonValueKind.String:
                return long.TryParse(value.GetValue<string>(), NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                    CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            default:
                return null;
        }
    }

    private static string? ReadString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
