using System.Text.Json.Nodes;
using Homeserver.Cli.Debug;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using static Homeserver.Tests.Protocol.Authorization.TestRoomBuilder;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>The check-auth debug command, driven through strings.</summary>
public class CheckAuthCommandTests
{
    private static (int Code, string Out, string Err) Run(string input, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CheckAuthCommand.Run(args, new StringReader(input), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>An event as the command reads it: its JSON with its event_id.</summary>
    private static JsonObject WithId(Pdu pdu)
    {
        var json = pdu.Json.DeepClone().AsObject();
        json["event_id"] = pdu.EventId;
        return json;
    }

    private static string Input(TestRoomBuilder room, Pdu ev, bool createSeparately = false)
    {
        var authEvents = ev.AuthEvents.Select(id => room.State.Values.Single(e => e.EventId == id)).Select(e => (JsonNode)WithId(e)).ToList();
        var input = new JsonObject { ["event"] = WithId(ev) };
        if (room.Version.Rules.RoomIdIsCreateEventHash)
        {
            if (createSeparately) input["create_event"] = WithId(room.Create);
            else authEvents.Add(WithId(room.Create));
        }
        input["auth_events"] = new JsonArray(authEvents.ToArray());
        return input.ToJsonString();
    }

    [Theory]
    [InlineData("1")]
    [InlineData("10")]
    [InlineData("12")]
    public void An_allowed_event_prints_allowed_and_exits_0(string version)
    {
        var room = WithMembers(RoomVersionRegistry.Find(version)!, members: Bob);
        var (code, output, error) = Run(Input(room, room.Build("m.room.message", Bob, new JsonObject { ["body"] = "hi" })), "--room-version", version);
        (code, output.Trim(), error).Should().Be((0, "{\"allowed\":true}", ""));
    }

    [Fact]
    public void A_v12_create_event_can_be_given_as_create_event()
    {
        var room = WithMembers(RoomVersion.V12, members: Bob);
        Run(Input(room, room.Build("m.room.message", Bob, new JsonObject()), createSeparately: true), "--room-version=12").Code.Should().Be(0);
    }

    [Fact]
    public void A_rejected_event_prints_the_rule_and_reason_and_exits_1()
    {
        var room = WithMembers(RoomVersion.V10, members: Bob);
        var (code, output, _) = Run(Input(room, room.Build("m.room.name", Bob, new JsonObject(), stateKey: "")), "--room-version", "10");
        code.Should().Be(1);
        var json = JsonNode.Parse(output)!.AsObject();
        ((bool)json["allowed"]!, (string)json["rule"]!).Should().Be((false, "7"));
        ((string)json["reason"]!).Should().Contain("power level");
    }

    [Fact]
    public void An_auth_events_list_problem_is_a_rejection()
    {
        var room = WithMembers(RoomVersion.V10, members: Bob);
        var joinRules = room.State[AuthStateKeys.JoinRules];
        var ev = room.Build("m.room.message", Bob, new JsonObject(),
            customize: j => j["auth_events"] = new JsonArray(room.Create.EventId, joinRules.EventId));
        var input = new JsonObject { ["event"] = WithId(ev), ["auth_events"] = new JsonArray(WithId(room.Create), WithId(joinRules)) }.ToJsonString();
        var (code, output, _) = Run(input, "--room-version", "10");
        code.Should().Be(1);
        output.Should().Contain("\"rule\":\"2.2\"", "a message does not need the join rules");
    }

    [Theory]
    [InlineData("not json", new[] { "--room-version", "10" }, "not valid JSON")]
    [InlineData("[]", new[] { "--room-version", "10" }, "must be a JSON object")]
    [InlineData("{}", new[] { "--room-version", "10" }, "event must be an event object")]
    [InlineData("{\"event\": {\"type\": \"m.room.message\"}}", new[] { "--room-version", "10" }, "needs an event_id")]
    [InlineData("{\"event\": {\"event_id\": \"$x\", \"type\": 5}}", new[] { "--room-version", "10" }, "not a valid event")]
    [InlineData("{\"event\": {\"event_id\": \"$x\", \"type\": \"t\", \"sender\": \"@a:b\", \"room_id\": \"!r:b\", \"auth_events\": [\"$y\"]}}", new[] { "--room-version", "10" }, "not given")]
    [InlineData("{\"a\": 1, \"a\": 2}", new[] { "--room-version", "10" }, "not valid JSON")]
    [InlineData("{\"event\": {\"content\": {\"users\": {\"@a:b\": 1, \"@a:b\": 2}}}}", new[] { "--room-version", "10" }, "not valid JSON")]
    [InlineData("{}", new string[0], "usage")]
    [InlineData("{}", new[] { "--room-version", "13" }, "unknown room version")]
    [InlineData("{}", new[] { "--room-version", "10", "--extra" }, "unexpected argument")]
    public void Bad_input_exits_2_with_one_line_on_stderr(string input, string[] args, string message)
    {
        var (code, output, error) = Run(input, args);
        code.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Contain(message);
        error.TrimEnd().Should().NotContain("\n").And.NotContain(" at ");
    }
}
