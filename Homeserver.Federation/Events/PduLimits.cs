namespace Homeserver.Federation.Events;

/// <summary>Size limits of events (client-server API, "Size limits"; PDU schemas).</summary>
public static class PduLimits
{
    /// <summary>The whole event, in the federation format with signatures, as canonical JSON.</summary>
    public const int MaxEventBytes = 65536;
    /// <summary>sender, room_id, event_id (the identifier limit), type and state_key.</summary>
    public const int MaxFieldBytes = 255;
    public const int MaxPrevEvents = 20;
    public const int MaxAuthEvents = 10;
}
