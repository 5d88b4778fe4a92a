using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Identifiers;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// The rules of an <c>m.room.server_acl</c> event's content and the spec's evaluation order: an IP
/// literal is denied when <c>allow_ip_literals</c> is <c>false</c>; then a match in <c>deny</c> denies;
/// then a match in <c>allow</c> allows; anything else is denied. Globs are matched case-insensitively
/// against the host without its port. Malformed fields fall back to the spec's defaults
/// (<c>allow_ip_literals</c> true, <c>allow</c> and <c>deny</c> empty) and non-string entries are ignored,
/// so a broken ACL denies rather than crashes. A room without the event allows every server: that is
/// the caller's case (<see cref="Allows"/> with null).
/// </summary>
public sealed class ServerAcl
{
    private ServerAcl(bool allowIpLiterals, IReadOnlyList<string> allow, IReadOnlyList<string> deny)
    {
        AllowIpLiterals = allowIpLiterals;
        Allow = allow;
        Deny = deny;
    }

    public bool AllowIpLiterals { get; }
    public IReadOnlyList<string> Allow { get; }
    public IReadOnlyList<string> Deny { get; }

    /// <summary>The ACL of an event's content (anything that is not an object counts as an empty one).</summary>
    public static ServerAcl FromContent(JsonNode? content)
    {
        var obj = content as JsonObject;
        var allowIpLiterals = obj?["allow_ip_literals"] is not JsonValue v || v.GetValueKind() != JsonValueKind.False;
        return new ServerAcl(allowIpLiterals, Patterns(obj?["allow"]), Patterns(obj?["deny"]));
    }

    /// <summary>Whether <paramref name="serverName"/> (with or without a port) may take part in the room.</summary>
    public bool IsAllowed(string serverName)
    {
        // A name that is not a server name cannot be matched safely (the auth middleware never lets one through).
        if (!ServerName.TryParse(serverName, out var parsed)) return false;
        var host = parsed.Host;
        if (!AllowIpLiterals && IsIpLiteral(host)) return false;
        foreach (var pattern in Deny)
            if (ServerAclGlob.IsMatch(pattern, host)) return false;
        foreach (var pattern in Allow)
            if (ServerAclGlob.IsMatch(pattern, host)) return true;
        return false;
    }

    /// <summary>Whether a room with <paramref name="acl"/> (null: none) allows the server.</summary>
    public static bool Allows(ServerAcl? acl, string serverName) => acl is null || acl.IsAllowed(serverName);

    /// <summary>A bracketed IPv6 literal, or a dotted quad (the server name grammar already checked each part).</summary>
    private static bool IsIpLiteral(string host) =>
        host.StartsWith('[') || (host.Split('.') is { Length: 4 } parts && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)));

    private static string[] Patterns(JsonNode? node) =>
        node is JsonArray array
            ? [.. array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>())]
            : [];
}
