using System.Text.Json.Nodes;
using Homeserver.Cli.Debug;
using static Homeserver.Tests.Protocol.StateResolution.StateResolutionVectors;

namespace Homeserver.Tests.Protocol.StateResolution;

public class ResolveStateCommandTests
{
    private static (int Exit, string Out, string Err) Run(string input, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = ResolveStateCommand.Run(args, new StringReader(input), stdout, stderr, StateResolutionTestAuth.Check);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string VectorInput(string name)
    {
        var c = Case(name);
        return new JsonObject { ["state_sets"] = c["state_sets"]!.DeepClone(), ["events"] = c["events"]!.DeepClone() }.ToJsonString();
    }

    [Theory]
    [InlineData("synapse-ban-vs-pl")]
    [InlineData("ruma-msc4297-problem-a-state-res-v2-1")]
    public void Prints_the_resolved_state_grouped_by_type_and_state_key(string name)
    {
        var c = Case(name);
        var (exit, output, error) = Run(VectorInput(name), "--room-version", (string)c["room_version"]!);

        error.Should().BeEmpty();
        exit.Should().Be(0);
        var printed = JsonNode.Parse(output)!.AsObject();
        var flattened = printed.SelectMany(type => type.Value!.AsObject().Select(sk => (type.Key, sk.Key, (string)sk.Value!))).ToList();
        flattened.Should().BeEquivalentTo(StateMap(c["expected_resolved_state"]!).Select(e => (e.Key.Type, e.Key.StateKey, e.Value)));
        printed.Select(p => p.Key).Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("", "--room-version", "10")]
    [InlineData("[]", "--room-version", "10")]
    [InlineData("{", "--room-version", "10")]
    [InlineData("{\"state_sets\": [], \"events\": {}}", "--room-version", "10")]
    [InlineData("{\"state_sets\": [[{\"type\": 1, \"state_key\": \"\", \"event_id\": \"$a\"}]], \"events\": []}", "--room-version", "10")]
    [InlineData("{\"state_sets\": [[]], \"events\": [{\"type\": \"m.room.topic\"}]}", "--room-version", "10")]
    [InlineData("{\"state_sets\": [[]], \"events\": [{\"event_id\": \"$a\", \"type\": \"m.room.topic\", \"sender\": 5}]}", "--room-version", "10")]
    [InlineData("{\"state_sets\": [], \"state_sets\": [], \"events\": []}", "--room-version", "10")]
    [InlineData("{\"state_sets\": [], \"events\": []}")]
    [InlineData("{\"state_sets\": [], \"events\": []}", "--room-version", "99")]
    [InlineData("{\"state_sets\": [], \"events\": []}", "--room-version")]
    [InlineData("{\"state_sets\": [], \"events\": []}", "--verbose")]
    public void Bad_input_gives_one_line_on_stderr_and_exit_code_2(string input, params string[] args)
    {
        var (exit, output, error) = Run(input, args);

        exit.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().StartWith("error: ").And.EndWith(Environment.NewLine);
        error.TrimEnd().Should().NotContain("\n").And.NotContain("   at ");
    }

    [Fact]
    public void An_event_listed_twice_is_rejected()
    {
        var ev = Case("synapse-ban-vs-pl")["events"]![0]!.ToJsonString();
        var (exit, _, error) = Run($"{{\"state_sets\": [], \"events\": [{ev}, {ev}]}}", "--room-version", "2");
        exit.Should().Be(2);
        error.Should().Contain("twice");
    }
}
