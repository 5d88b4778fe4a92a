namespace Homeserver.Federation.Events;

/// <summary>A PDU is not well-formed for its room version.</summary>
public sealed class PduFormatException(string message) : Exception(message);
