using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Homeserver.Federation.Json;

/// <summary>
/// Writes canonical JSON straight into a pooled byte buffer: no whitespace, object keys sorted by
/// code point, strings as raw UTF-8 with only the escapes the grammar allows, integers without
/// exponent. Get one with <see cref="Rent"/> and dispose it to give it back. Used through <see cref="CanonicalJson"/>.
/// </summary>
internal sealed class CanonicalJsonWriter : IDisposable
{
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private static readonly IComparer<KeyValuePair<string, JsonNode?>> KeyOrder =
        Comparer<KeyValuePair<string, JsonNode?>>.Create((a, b) => CodePointComparer.Instance.Compare(a.Key, b.Key));

    private byte[] _buffer;
    private int _length;
    private KeyValuePair<string, JsonNode?>[] _members = new KeyValuePair<string, JsonNode?>[32];
    private int _memberCount;

    /// <summary>One idle writer per thread, reused so that encoding allocates nothing but its result.</summary>
    [ThreadStatic] private static CanonicalJsonWriter? _idle;

    private const int MaxKeptBufferBytes = 256 * 1024;

    private CanonicalJsonWriter() => _buffer = ArrayPool<byte>.Shared.Rent(4096);

    /// <summary>A writer with an empty buffer; dispose it to give it back.</summary>
    public static CanonicalJsonWriter Rent()
    {
        var writer = _idle ?? new CanonicalJsonWriter();
        _idle = null;
        return writer;
    }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Dispose()
    {
        if (ReferenceEquals(_idle, this) || _buffer.Length == 0) return; // already given back
        _length = 0;
        _memberCount = 0;
        if (_idle is null && _buffer.Length <= MaxKeptBufferBytes)
        {
            _idle = this;
            return;
        }
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    public void WriteValue(JsonNode? node)
    {
        switch (node)
        {
            case null: WriteRaw("null"u8); break;
            case JsonObject obj: WriteObject(obj, []); break;
            case JsonArray array: WriteArray(array); break;
            case JsonValue value: WriteScalar(value); break;
        }
    }

    /// <summary>Writes an object, leaving out the given top-level keys (e.g. signatures, unsigned).</summary>
    public void WriteObject(JsonObject obj, ReadOnlySpan<string> excludedKeys) => WriteObject(obj, excludedKeys, null, null);

    /// <summary>
    /// Writes an object with only the members <paramref name="include"/> accepts; for each written
    /// member <paramref name="writeValue"/> may write the value itself (returning true), which lets
    /// callers write a projection (such as a redacted event) without copying it first.
    /// </summary>
    public void WriteObject(JsonObject obj, ReadOnlySpan<string> excludedKeys, Func<string, JsonNode?, bool>? include,
        Func<CanonicalJsonWriter, string, JsonNode?, bool>? writeValue)
    {
        // Members of the objects being written sit on one stack: this object's after its parents'.
        var start = _memberCount;
        var count = obj.Count;
        if (_members.Length < start + count) Array.Resize(ref _members, Math.Max(_members.Length * 2, start + count));
        var sorted = true;
        for (var i = 0; i < count; i++)
        {
            var member = obj.GetAt(i);
            if (excludedKeys.Length > 0 && excludedKeys.Contains(member.Key)) continue;
            if (include is not null && !include(member.Key, member.Value)) continue;
            if (_memberCount > start && sorted && CodePointComparer.Instance.Compare(_members[_memberCount - 1].Key, member.Key) > 0) sorted = false;
            _members[_memberCount++] = member;
        }
        var n = _memberCount - start;
        if (!sorted) Array.Sort(_members, start, n, KeyOrder);

        try
        {
            WriteByte((byte)'{');
            for (var i = 0; i < n; i++)
            {
                if (i > 0) WriteByte((byte)',');
                // Index each time: nested objects may grow (replace) the stack array.
                var (key, value) = _members[start + i];
                WriteString(key);
                WriteByte((byte)':');
                if (writeValue is null || !writeValue(this, key, value)) WriteValue(value);
            }
            WriteByte((byte)'}');
        }
        finally
        {
            _members.AsSpan(start, n).Clear();
            _memberCount = start;
        }
    }

    private void WriteArray(JsonArray array)
    {
        WriteByte((byte)'[');
        for (var i = 0; i < array.Count; i++)
        {
            if (i > 0) WriteByte((byte)',');
            WriteValue(array[i]);
        }
        WriteByte((byte)']');
    }

    private void WriteScalar(JsonValue value)
    {
        if (value.TryGetValue(out string? text)) { WriteString(text); return; }
        if (value.TryGetValue(out long integer)) { WriteInteger(integer); return; }
        switch (value.GetValueKind())
        {
            case JsonValueKind.True: WriteRaw("true"u8); break;
            case JsonValueKind.False: WriteRaw("false"u8); break;
            case JsonValueKind.Null: WriteRaw("null"u8); break;
            case JsonValueKind.Number: WriteNumber(value); break;
            case JsonValueKind.String: WriteString(value.GetValue<JsonElement>().GetString()!); break;
            default: throw new CanonicalJsonException($"cannot encode a {value.GetValueKind()} value");
        }
    }

    /// <summary>Numbers not held as a long: other integer types, doubles (old room versions), huge integers kept verbatim.</summary>
    private void WriteNumber(JsonValue value)
    {
        if (value.TryGetValue(out int i32)) WriteInteger(i32);
        else if (value.TryGetValue(out JsonElement element)) WriteNumberText(Encoding.UTF8.GetBytes(element.GetRawText()));
        else if (value.TryGetValue(out double number)) WriteDouble(number);
        else WriteNumberText(Encoding.UTF8.GetBytes(value.ToJsonString()));
    }

    /// <summary>Normalises number text: integers as integers, integral floats as integers, big integers verbatim.</summary>
    private void WriteNumberText(byte[] raw)
    {
        if (Utf8Parser.TryParse(raw, out long integer, out var consumed) && consumed == raw.Length) WriteInteger(integer);
        else if (raw.AsSpan().IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0) WriteRaw(raw);
        else if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) WriteDouble(number);
        else throw new CanonicalJsonException("invalid number");
    }

    private void WriteDouble(double number)
    {
        if (!double.IsFinite(number)) throw new CanonicalJsonException("NaN and infinities cannot be encoded");
        if (double.IsInteger(number) && Math.Abs(number) <= CanonicalJsonReader.MaxSafeInteger)
        {
            WriteInteger((long)number);
            return;
        }
        // Only old room versions carry floats. Write the shortest round-trip form with a lowercase
        // exponent, which is how Python (and so Synapse) writes them: 1.5, 1e-05, 1e+100.
        Ensure(32);
        var destination = _buffer.AsSpan(_length);
        number.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        destination[..written].Replace((byte)'E', (byte)'e');
        _length += written;
    }

    private void WriteInteger(long integer)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(integer, _buffer.AsSpan(_length), out var written);
        _length += written;
    }

    public void WriteString(string text)
    {
        // Worst case: every char a six-byte \u00XX escape; UTF-8 needs at most three bytes per UTF-16 unit.
        Ensure(text.Length * 6 + 2);
        var span = _buffer.AsSpan();
        span[_length++] = (byte)'"';
        var rest = text.AsSpan();
        while (true)
        {
            var stop = rest.IndexOfAny(NeedsEscape);
            var plain = stop < 0 ? rest : rest[..stop];
            if (Utf8.FromUtf16(plain, span[_length..], out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
                throw new CanonicalJsonException("string contains a lone surrogate");
            _length += written;
            if (stop < 0) break;
            _length += WriteEscape(rest[stop], span[_length..]);
            rest = rest[(stop + 1)..];
        }
        span[_length++] = (byte)'"';
    }

    private static int WriteEscape(char c, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        var shortForm = c switch
        {
            '"' => '"', '\\' => '\\', '\b' => 'b', '\t' => 't', '\n' => 'n', '\f' => 'f', '\r' => 'r',
            _ => '\0',
        };
        if (shortForm != '\0')
        {
            destination[1] = (byte)shortForm;
            return 2;
        }
        "u00"u8.CopyTo(destination[1..]);
        destination[4] = (byte)"0123456789abcdef"[c >> 4];
        destination[5] = (byte)"0123456789abcdef"[c & 0xF];
        return 6;
    }

    private void WriteByte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Ensure(int extra)
    {
        if (_buffer.Length - _length >= extra) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
