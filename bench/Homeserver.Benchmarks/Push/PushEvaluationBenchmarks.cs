using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Homeserver.Push;
using Homeserver.UserData;

namespace Homeserver.Benchmarks.Push;

/// <summary>
/// Push rule evaluation for one event in a room of 1,000 members: every member's own ruleset (the spec's defaults,
/// which name the user) tried in order against a plain message and against one that mentions a member. Rulesets are
/// compiled in the setup (the server caches each user's compiled ruleset); one operation builds the event's
/// <see cref="PushEvent"/> once, as the server does, and evaluates every member's rules against it. This is the
/// evaluation alone; reading the room's members and rules from storage comes on top of it in the server.
/// Events per second per core = 1 / the mean time of one operation (one event for all members).
/// </summary>
[MemoryDiagnoser]
public class PushEvaluationBenchmarks
{
    private const int Members = 1000;

    private List<(string UserId, CompiledPushRuleSet Rules, string DisplayName)> _members = [];
    private JsonObject _message = [];
    private JsonObject _mention = [];
    private readonly Dictionary<string, long> _notificationLevels = new() { ["room"] = 50 };

    [GlobalSetup]
    public void Setup()
    {
        _members = [.. Enumerable.Range(0, Members).Select(i =>
        {
            var userId = $"@member{i}:bench.example";
            return (userId, CompiledPushRuleSet.Compile(PushRule.InEvaluationOrder(DefaultPushRules.For(userId))), $"Member {i}");
        })];
        _message = Event(new JsonObject { ["msgtype"] = "m.text", ["body"] = "Lunch at noon, anyone? The usual place near the station." });
        _mention = Event(new JsonObject
        {
            ["msgtype"] = "m.text",
            ["body"] = "Member 500: could you review the draft before the meeting?",
            ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray("@member500:bench.example") },
        });
    }

    private static JsonObject Event(JsonObject content) => new()
    {
        ["event_id"] = "$bench",
        ["room_id"] = "!room:bench.example",
        ["type"] = "m.room.message",
        ["sender"] = "@sender:bench.example",
        ["content"] = content,
    };

    [Benchmark(Baseline = true)]
    public int PlainMessageForAllMembers() => EvaluateAll(_message);

    [Benchmark]
    public int MentionForAllMembers() => EvaluateAll(_mention);

    private int EvaluateAll(JsonObject ev)
    {
        var notified = 0;
        var pushEvent = new PushEvent(ev, Members, 0, _notificationLevels);
        foreach (var (_, rules, displayName) in _members)
            if (rules.Evaluate(pushEvent, displayName)?.Notify == true)
                notified++;
        return notified;
    }
}
