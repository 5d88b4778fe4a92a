using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;

namespace Homeserver.Tests.Protocol.Json;

public class CanonicalJsonTests
{
    private static JsonNode? Lenient(string json) => CanonicalJsonReader.Parse(Encoding.UTF8.GetBytes(json), strict: false);
    private static JsonNode? Strict(string json) => CanonicalJsonReader.Parse(Encoding.UTF8.GetBytes(json), strict: true);
    private static string Canonical(JsonNode? node) => CanonicalJson.EncodeToString(node);

    [Fact]
    public void Keys_are_sorted_by_code_point_not_utf16_unit()
    {
        // U+1F600 is a surrogate pair (D83D DE00) in UTF-16, which sorts before U+FFFF ordinally,
        // but its code point (and UTF-8 bytes F0...) sorts after U+FFFF (EF BF BF).
        var obj = new JsonObject { ["\U0001F600"] = 1, ["\uFFFF"] = 2, ["\uE000"] = 3, ["z"] = 4, ["\u00E9"] = 5 };
        Canonical(obj).Should().Be("{\"z\":4,\"\u00E9\":5,\"\uE000\":3,\"\uFFFF\":2,\"\U0001F600\":1}");
    }

    [Fact]
    public void Code_point_comparer_agrees_with_utf8_byte_order()
    {
        string[] samples = ["", "a", "ab", "b", "\u007F", "\u0080", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\uFFFD", "\uFFFF",
            "\U00010000", "\U0001F600", "\U0010FFFF", "a\U00010000", "a\uFFFF"];
        foreach (var x in samples)
        foreach (var y in samples)
        {
            var expected = Math.Sign(Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y)));
            Math.Sign(CodePointComparer.Instance.Compare(x, y)).Should().Be(expected, $"comparing {x} with {y}");
        }
    }

    [Fact]
    public void Nested_objects_and_arrays_are_sorted_and_compact()
    {
        Canonical(Lenient("{ \"b\": [ {\"y\":1, \"x\":null} , true ], \"a\": {\"d\": false, \"c\": \"\"} }"))
            .Should().Be("{\"a\":{\"c\":\"\",\"d\":false},\"b\":[{\"x\":null,\"y\":1},true]}");
    }

    [Theory]
    [InlineData("\"\\u0007\"", "\"\\u0007\"")]
    [InlineData("\"\\u001F\"", "\"\\u001f\"")]
    [InlineData("\"\\/\"", "\"/\"")]
    [InlineData("\"\\u00e9\"", "\"\u00e9\"")]
    [InlineData("\"\\ud83d\\ude00\"", "\"\U0001F600\"")]
    [InlineData("\"\u007F\"", "\"\u007F\"")]
    public void Strings_use_only_the_allowed_escapes(string input, string expected) =>
        Canonical(Lenient(input)).Should().Be(expected);

    [Fact]
    public void Output_is_utf8_bytes()
    {
        CanonicalJson.Encode(JsonValue.Create("\u65E5\U0001F600")).Should()
            .Equal(new byte[] { 0x22, 0xE6, 0x97, 0xA5, 0xF0, 0x9F, 0x98, 0x80, 0x22 });
    }

    [Fact]
    public void Encoder_handles_values_built_in_code_and_by_system_text_json()
    {
        var built = new JsonObject { ["i"] = 5, ["l"] = 5L, ["d"] = 2.0, ["b"] = true, ["s"] = "x", ["n"] = null, ["a"] = new JsonArray(1, "2") };
        Canonical(built).Should().Be("{\"a\":[1,\"2\"],\"b\":true,\"d\":2,\"i\":5,\"l\":5,\"n\":null,\"s\":\"x\"}");
        Canonical(JsonNode.Parse("{\"s\":\"\\u00e9\",\"n\":-12,\"t\":true,\"z\":null}"))
            .Should().Be("{\"n\":-12,\"s\":\"\u00e9\",\"t\":true,\"z\":null}");
    }

    [Fact]
    public void Encoder_refuses_a_lone_surrogate()
    {
        var encode = () => CanonicalJson.Encode(JsonValue.Create("a\uD800b"));
        encode.Should().Throw<CanonicalJsonException>();
    }

    [Fact]
    public void Encoding_without_top_level_keys_does_not_touch_nested_ones()
    {
        var obj = new JsonObject { ["signatures"] = 1, ["unsigned"] = 2, ["a"] = new JsonObject { ["signatures"] = 3 } };
        Encoding.UTF8.GetString(CanonicalJson.EncodeWithout(obj, "signatures", "unsigned"))
            .Should().Be("{\"a\":{\"signatures\":3}}");
        obj.Count.Should().Be(3);
    }

    [Fact]
    public void Reused_writers_start_empty()
    {
        var huge = JsonValue.Create(new string('h', 300_000));
        CanonicalJson.Encode(huge).Length.Should().Be(300_002);
        CanonicalJson.EncodeToString(new JsonObject { ["b"] = 1, ["a"] = new JsonObject { ["d"] = 2, ["c"] = 3 } })
            .Should().Be("{\"a\":{\"c\":3,\"d\":2},\"b\":1}");
        CanonicalJson.EncodeToString(new JsonArray()).Should().Be("[]");
        CanonicalJson.EncodedLength(huge).Should().Be(300_002);
        CanonicalJson.EncodeToString(JsonValue.Create(1)).Should().Be("1");
    }

    [Fact]
    public void Large_values_grow_the_buffer()
    {
        var big = new string('x', 100_000);
        var array = new JsonArray(Enumerable.Range(0, 1000).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
        var obj = new JsonObject { ["big"] = big, ["array"] = array };
        var text = Canonical(obj);
        text.Should().StartWith("{\"array\":[0,1,2").And.EndWith(big + "\"}");
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}", "duplicate key")]
    [InlineData("{\"a\":1,}", "malformed")]
    [InlineData("[1,2", "malformed")]
    [InlineData("{\"a\":1} x", "malformed")]
    [InlineData("// c\n{}", "malformed")]
    [InlineData("", "malformed")]
    [InlineData("{'a':1}", "malformed")]
    [InlineData("[01]", "malformed")]
    [InlineData("[\"\\uDC00\"]", "surrogate")]
    [InlineData("[\"\\uD800x\"]", "surrogate")]
    [InlineData("[1e400]", "out of range")]
    public void Reader_rejects_bad_input_in_every_mode(string json, string reason)
    {
        foreach (var strict in new[] { false, true })
        {
            var parse = () => CanonicalJsonReader.Parse(Encoding.UTF8.GetBytes(json), strict);
            if (strict && reason == "out of range") reason = "not an integer";
            parse.Should().Throw<CanonicalJsonException>().Which.Message.Should().Contain(reason);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x22, 0xC3, 0x22 })]              // truncated sequence
    [InlineData(new byte[] { 0x22, 0xC0, 0xAF, 0x22 })]        // overlong '/'
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 })]  // encoded surrogate
    [InlineData(new byte[] { 0x22, 0xFF, 0x22 })]
    public void Reader_rejects_invalid_utf8(byte[] input)
    {
        var parse = () => CanonicalJsonReader.Parse(input, strict: false);
        parse.Should().Throw<CanonicalJsonException>().WithMessage("invalid UTF-8");
    }

    [Fact]
    public void Reader_limits_nesting_depth()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var parse = () => CanonicalJsonReader.Parse(Encoding.UTF8.GetBytes(deep), strict: false);
        parse.Should().Throw<CanonicalJsonException>();
        var shallow = new string('[', 100) + new string(']', 100);
        CanonicalJsonReader.Parse(Encoding.UTF8.GetBytes(shallow), strict: false).Should().NotBeNull();
    }

    [Theory]
    [InlineData("9007199254740991", true)]
    [InlineData("-9007199254740991", true)]
    [InlineData("9007199254740992", false)]
    [InlineData("-9007199254740992", false)]
    [InlineData("0", true)]
    [InlineData("-0", false)]
    [InlineData("1.0", false)]
    [InlineData("1e2", false)]
    [InlineData("1E2", false)]
    [InlineData("123456789012345678901234567890", false)]
    public void Strict_numbers(string number, bool accepted)
    {
        var ok = CanonicalJsonReader.TryParse(Encoding.UTF8.GetBytes($"{{\"n\":{number}}}"), strict: true, out _, out var error);
        ok.Should().Be(accepted, error);
    }

    [Theory]
    [InlineData("-0", "0")]
    [InlineData("1e10", "10000000000")]
    [InlineData("2.50E1", "25")]
    [InlineData("1.5", "1.5")]
    [InlineData("0.00001", "1e-05")]
    [InlineData("-2.5e300", "-2.5e+300")]
    [InlineData("9007199254740998", "9007199254740998")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("-123456789012345678901234567890", "-123456789012345678901234567890")]
    public void Lenient_numbers_round_trip(string number, string expected) =>
        Canonical(Lenient($"[{number}]")).Should().Be($"[{expected}]");

    [Fact]
    public void Strict_reader_produces_int64_values()
    {
        var node = Strict("{\"n\":-42}")!;
        node["n"]!.GetValue<long>().Should().Be(-42);
    }

    [Fact]
    public void Canonical_output_reads_back_to_the_same_bytes()
    {
        var input = "{\"\u00f1\":[1,{\"b\":\"\\n\\u0000\",\"a\":-5}],\"\U0001F600\":\"\u2028\",\"\uffff\":null}";
        var once = CanonicalJson.Encode(Lenient(input));
        var twice = CanonicalJson.Encode(CanonicalJsonReader.Parse(once, strict: true));
        twice.Should().Equal(once);
    }
}
