namespace Homeserver.Federation.Identifiers;

/// <summary>A room alias <c>#localpart:server</c> (appendices, "Room Aliases"), at most 255 bytes.</summary>
public readonly record struct RoomAlias
{
    private RoomAlias(string value, string localpart, ServerName server)
    {
        Value = value;
        Localpart = localpart;
        Server = server;
    }

    public string Value { get; }
    public string Localpart { get; }
    public ServerName Server { get; }

    public override string ToString() => Value ?? "";

    public static bool TryParse(string? text, out RoomAlias alias)
    {
        alias = default;
        if (!IdentifierLimits.TrySplit(text, '#', out var localpart, out var server)) return false;
        alias = new RoomAlias(text!, localpart, server);
        return true;
    }

    public static RoomAlias Parse(string text) =>
        TryParse(text, out var alias) ? alias : throw new FormatException($"invalid room alias \"{text}\"");

    public static bool IsValid(string? text) => TryParse(text, out _);
}
