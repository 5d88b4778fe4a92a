using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Identifiers;

/// <summary>
/// A room id (appendices, "Room IDs"): <c>!opaque:server</c> in room versions 1–11, and in v12
/// <c>!</c> + the URL-safe unpadded base64 reference hash of the create event (43 characters).
/// At most 255 bytes.
/// </summary>
public readonly record struct RoomId
{
    private RoomId(string value, ServerName? server)
    {
        Value = value;
        Server = server;
    }

    public string Value { get; }
    /// <summary>The server part of <c>!opaque:server</c> ids; null for hash ids.</summary>
    public ServerName? Server { get; }

    public bool IsCreateEventHash => Server is null;

    public override string ToString() => Value ?? "";

    /// <summary>Parses a room id of either form (when the room version is not known).</summary>
    public static bool TryParse(string? text, out RoomId id)
    {
        id = default;
        if (text is null) return false;
        if (IdentifierLimits.IsHashId(text, '!', urlSafe: true))
        {
            id = new RoomId(text, null);
            return true;
        }
        if (!IdentifierLimits.TrySplit(text, '!', out _, out var server)) return false;
        id = new RoomId(text, server);
        return true;
    }

    /// <summary>Parses a room id in the form its room version requires.</summary>
    public static bool TryParse(string? text, RoomVersion version, out RoomId id) =>
        TryParse(text, out id) && id.IsCreateEventHash == version.Rules.RoomIdIsCreateEventHash;

    public static RoomId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"invalid room id \"{text}\"");

    public static bool IsValid(string? text) => TryParse(text, out _);

    public static bool IsValid(string? text, RoomVersion version) => TryParse(text, version, out _);
}
