using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>
/// The interim canonical JSON encoder against Vectors/canonical-json.json: for every input it
/// gives the expected bytes or refuses (it accepts integers only); it is never wrong. The
/// encoder takes objects, so other inputs are wrapped as <c>{"v": input}</c>.
/// </summary>
public class InterimCanonicalJsonTests
{
    private static readonly Lazy<List<JsonObject>> ObjectCases = new(() =>
        ((JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "canonical-json.json")))!)
        .Select(c => c!.AsObject())
        .Where(c => (string)c["mode"]! == "canonicalise" && c["error"]?.GetValue<bool>() != true)
        .ToList());

    private static bool IsObject(JsonObject c) => ((string)c["input"]!).TrimStart().StartsWith('{');

    private static JsonObject Input(JsonObject c) => IsObject(c)
        ? JsonNode.Parse((string)c["input"]!)!.AsObject()
        : new JsonObject { ["v"] = JsonNode.Parse((string)c["input"]!) };

    private static string Expected(JsonObject c) => IsObject(c) ? (string)c["expected"]! : "{\"v\":" + (string)c["expected"]! + "}";

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in ObjectCases.Value) data.Add((string)c["name"]!);
        return data;
    }

    [Theory, MemberData(nameof(Names))]
    public void Gives_the_canonical_form_or_refuses(string name)
    {
        var c = ObjectCases.Value.Single(x => (string)x["name"]! == name);
        var input = Input(c);
        byte[] output;
        try
        {
            output = InterimCanonicalJson.Encode(input);
        }
        catch (FormatException)
        {
            return;
        }
        Encoding.UTF8.GetString(output).Should().Be(Expected(c));
    }

    [Fact]
    public void Lone_surrogates_and_floats_are_refused()
    {
        FluentActions.Invoking(() => InterimCanonicalJson.Encode(new JsonObject { ["a"] = "x\uD800y" })).Should().Throw<FormatException>();
        FluentActions.Invoking(() => InterimCanonicalJson.Encode(new JsonObject { ["\uDC00"] = 1 })).Should().Throw<FormatException>();
        FluentActions.Invoking(() => InterimCanonicalJson.Encode(new JsonObject { ["a"] = 1.5 })).Should().Throw<FormatException>();
        Encoding.UTF8.GetString(InterimCanonicalJson.Encode(new JsonObject { ["b"] = "\uD83D\uDE00", ["a"] = new JsonArray(1, null, true) }))
            .Should().Be("{\"a\":[1,null,true],\"b\":\"\uD83D\uDE00\"}");
    }

    [Fact]
    public void Most_cases_are_encoded()
    {
        var encoded = ObjectCases.Value.Count(c =>
        {
            try { InterimCanonicalJson.Encode(Input(c)); return true; }
            catch (FormatException) { return false; }
        });
        encoded.Should().BeGreaterThan(ObjectCases.Value.Count * 3 / 4);
    }
}
