using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>
/// The interim canonical JSON encoder against Vectors/canonical-json.json: for every object
/// input it gives the expected bytes or refuses (it accepts integers only); it is never wrong.
/// </summary>
public class InterimCanonicalJsonTests
{
    private static readonly Lazy<List<JsonObject>> ObjectCases = new(() =>
        ((JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "canonical-json.json")))!)
        .Select(c => c!.AsObject())
        .Where(c => (string)c["mode"]! == "canonicalise" && c["error"]?.GetValue<bool>() != true
                    && ((string)c["input"]!).TrimStart().StartsWith('{'))
        .ToList());

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
        var input = JsonNode.Parse((string)c["input"]!)!.AsObject();
        byte[] output;
        try
        {
            output = InterimCanonicalJson.Encode(input);
        }
        catch (FormatException)
        {
            return;
        }
        Encoding.UTF8.GetString(output).Should().Be((string)c["expected"]!);
    }

    [Fact]
    public void Most_object_cases_are_encoded()
    {
        var encoded = ObjectCases.Value.Count(c =>
        {
            try { InterimCanonicalJson.Encode(JsonNode.Parse((string)c["input"]!)!.AsObject()); return true; }
            catch (FormatException) { return false; }
        });
        encoded.Should().BeGreaterThan(ObjectCases.Value.Count * 3 / 4);
    }
}
