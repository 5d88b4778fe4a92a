using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Identifiers;

/// <summary>
/// An event id (appendices, "Event IDs"; room versions): <c>$opaque:server</c> in v1–v2,
/// <c>$</c> + standard unpadded base64 of the reference hash in v3, URL-safe base64 from v4.
/// At most 255 bytes.
/// </summary>
public readonly record struct EventId
{
    private EventId(string value, ServerName? server)
    {
        Value = value;
        Server = server;
    }

    public string Value { get; }
    /// <summary>The server of a v1–v2 id; null for hash ids.</summary>
    public ServerName? Server { get; }

    public override string ToString() => Value ?? "";

    /// <summary>Parses an event id of any room version's form.</summary>
    public static bool TryParse(string? text, out EventId id)
    {
        id = default;
        if (text is null) return false;
        if (IdentifierLimits.IsHashId(text, '$', urlSafe: true) || IdentifierLimits.IsHashId(text, '$', urlSafe: false))
        {
            id = new EventId(text, null);
            return true;
        }
        if (!IdentifierLimits.TrySplit(text, '$', out _, out var server)) return false;
        id = new EventId(text, server);
        return true;
    }

    /// <summary>Parses an event id in the form its room version uses.</summary>
    public static bool TryParse(string? text, RoomVersion version, out EventId id)
    {
        id = default;
        if (text is null) return false;
        switch (version.Rules.EventIdFormat)
        {
            case EventIdFormat.Opaque:
                if (!IdentifierLimits.TrySplit(text, '$', out _, out var server)) return false;
                id = new EventId(text, server);
                return true;
            case EventIdFormat.Base64ReferenceHash when IdentifierLimits.IsHashId(text, '$', urlSafe: false):
            case EventIdFormat.UrlSafeBase64ReferenceHash when IdentifierLimits.IsHashId(text, '$', urlSafe: true):
                id = new EventId(text, null);
                return true;
            default:
                return false;
        }
    }

    public static EventId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"invalid event id \"{text}\"");

    public static bool IsValid(string? text) => TryParse(text, out _);

    public static bool IsValid(string? text, RoomVersion version) => TryParse(text, version, out _);
}
