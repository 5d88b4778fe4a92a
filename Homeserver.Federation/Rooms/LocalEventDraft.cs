using System.Text.Json.Nodes;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// What a local user asks to send: the parts of an event the server does not fill in itself.
/// <paramref name="Redacts"/> is for m.room.redaction (placed where the room version wants it).
/// </summary>
public sealed record LocalEventDraft(string RoomId, string Type, string? StateKey, string Sender, JsonObject Content,
    string? Redacts = null);
