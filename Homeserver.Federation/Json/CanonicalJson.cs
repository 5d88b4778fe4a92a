using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Homeserver.Federation.Json;

/// <summary>
/// Encodes JSON values as Matrix canonical JSON (appendices, "Canonical JSON"): the shortest UTF-8
/// form with keys sorted by code point. Validation of numbers is the reader's job
/// (<see cref="CanonicalJsonReader"/>); the encoder writes what it is given, integral numbers as integers.
/// </summary>
public static class CanonicalJson
{
    public static byte[] Encode(JsonNode? node)
    {
        using var writer = CanonicalJsonWriter.Rent();
        writer.WriteValue(node);
        return writer.Written.ToArray();
    }

    /// <summary>Encodes an object without some of its top-level keys, without copying it.</summary>
    public static byte[] EncodeWithout(JsonObject obj, params ReadOnlySpan<string> excludedKeys)
    {
        using var writer = CanonicalJsonWriter.Rent();
        writer.WriteObject(obj, excludedKeys);
        return writer.Written.ToArray();
    }

    public static string EncodeToString(JsonNode? node) => Encoding.UTF8.GetString(Encode(node));

    public static void Write(JsonNode? node, IBufferWriter<byte> destination)
    {
        using var writer = CanonicalJsonWriter.Rent();
        writer.WriteValue(node);
        destination.Write(writer.Written);
    }

    /// <summary>SHA-256 of the canonical form of an object without some of its top-level keys.</summary>
    public static byte[] Sha256Without(JsonObject obj, params ReadOnlySpan<string> excludedKeys)
    {
        using var writer = CanonicalJsonWriter.Rent();
        writer.WriteObject(obj, excludedKeys);
        return SHA256.HashData(writer.Written);
    }

    /// <summary>Length in bytes of the canonical form.</summary>
    public static int EncodedLength(JsonNode? node)
    {
        using var writer = CanonicalJsonWriter.Rent();
        writer.WriteValue(node);
        return writer.Written.Length;
    }
}
