using System.Text;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.Json;

/// <summary>Every case of Vectors/canonical-json.json (conventions in Vectors/README.md).</summary>
public class CanonicalJsonVectorTests
{
    private const string File = "canonical-json.json";

    public static TheoryData<string> CanonicaliseCases =>
        VectorFile.Names(File, c => (string)c["mode"]! == "canonicalise" && c["error"] is null && c["implementation_specific"] is null);

    public static TheoryData<string> CanonicaliseErrorCases =>
        VectorFile.Names(File, c => (string)c["mode"]! == "canonicalise" && (bool?)c["error"] == true);

    public static TheoryData<string> StrictCases => VectorFile.Names(File, c => (string)c["mode"]! == "strict");

    public static TheoryData<string> ImplementationSpecificCases =>
        VectorFile.Names(File, c => c["implementation_specific"] is not null);

    [Theory]
    [MemberData(nameof(CanonicaliseCases))]
    public void Canonicalises_to_the_expected_bytes(string name)
    {
        var c = VectorFile.Case(File, name);
        var node = CanonicalJsonReader.Parse(Encoding.UTF8.GetBytes((string)c["input"]!), strict: false);
        Encoding.UTF8.GetString(CanonicalJson.Encode(node)).Should().Be((string)c["expected"]!);
    }

    [Theory]
    [MemberData(nameof(CanonicaliseErrorCases))]
    public void Rejects_input_that_is_not_json(string name)
    {
        var c = VectorFile.Case(File, name);
        var parse = () => CanonicalJsonReader.Parse(Encoding.UTF8.GetBytes((string)c["input"]!), strict: false);
        parse.Should().Throw<CanonicalJsonException>();
    }

    [Theory]
    [MemberData(nameof(StrictCases))]
    public void Validates_as_for_a_pdu_of_the_room_version(string name)
    {
        var c = VectorFile.Case(File, name);
        var strict = c["room_version"] is null || RoomVersionRegistry.Find((string)c["room_version"]!)!.Rules.StrictCanonicalJson;
        var bytes = Encoding.UTF8.GetBytes((string)c["input"]!);
        var accepted = CanonicalJsonReader.TryParse(bytes, strict, out var node, out var error);

        accepted.Should().Be(!(bool)c["error"]!, error);
        if (accepted && c["expected"] is not null)
            Encoding.UTF8.GetString(CanonicalJson.Encode(node)).Should().Be((string)c["expected"]!);
    }

    /// <summary>
    /// gmsl-compact-unpaired-surrogate: gmsl drops a lone surrogate escape. A lone surrogate is not a
    /// Unicode scalar value and cannot be encoded as UTF-8, so we reject it (listed in Vectors/README.md).
    /// </summary>
    [Theory]
    [MemberData(nameof(ImplementationSpecificCases))]
    public void Implementation_specific_lone_surrogate_is_rejected(string name)
    {
        var c = VectorFile.Case(File, name);
        var parse = () => CanonicalJsonReader.Parse(Encoding.UTF8.GetBytes((string)c["input"]!), strict: false);
        parse.Should().Throw<CanonicalJsonException>().WithMessage("*surrogate*");
    }
}
