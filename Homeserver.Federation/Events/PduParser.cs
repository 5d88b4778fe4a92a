using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Events;

/// <summary>
/// From untrusted bytes to a <see cref="Pdu"/>: strict JSON reading (canonical JSON rules for the
/// room version), format validation, and the event id the room version defines.
/// </summary>
public static class PduParser
{
    /// <summary>
    /// Input larger than this is refused before parsing. Raw JSON may be bigger than its canonical
    /// form (whitespace, escapes), so this is looser than the 65,536-byte event limit checked after.
    /// </summary>
    public const int MaxInputBytes = 4 * PduLimits.MaxEventBytes;

    public static Pdu Parse(ReadOnlySpan<byte> utf8, RoomVersion version)
    {
        if (utf8.Length > MaxInputBytes) throw new PduFormatException($"the event is larger than {MaxInputBytes} bytes");
        JsonObject json;
        try
        {
            json = CanonicalJsonReader.ParseObject(utf8, version.Rules.StrictCanonicalJson);
        }
        catch (CanonicalJsonException e)
        {
            throw new PduFormatException(e.Message);
        }
        return FromJson(json, version);
    }

    /// <summary>Validates an already-read event and computes its id.</summary>
    public static Pdu FromJson(JsonObject json, RoomVersion version)
    {
        PduValidator.Validate(json, version);
        return Pdu.FromJson(json, version, EventIds.Compute(json, version));
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8, RoomVersion version, out Pdu? pdu, out string reason)
    {
        try
        {
            pdu = Parse(utf8, version);
            reason = "";
            return true;
        }
        catch (PduFormatException e)
        {
            pdu = null;
            reason = e.Message;
            return false;
        }
    }
}
