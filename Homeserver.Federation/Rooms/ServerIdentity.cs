using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Rooms;

/// <summary>This homeserver's name and the key it signs its events with.</summary>
public sealed record ServerIdentity(string ServerName, SigningKey SigningKey);
