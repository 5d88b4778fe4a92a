using System.Text.Json.Nodes;

namespace Homeserver.LoadTest;

/// <summary>
/// Appends the issue targets a run checked as JSON lines (<c>{"issue", "target", "measured", "met"}</c>),
/// which <c>bench/run</c> gathers from every workload into the Targets table.
/// </summary>
public static class TargetLines
{
    public static void Append(string? path, IEnumerable<(int Issue, string Target, string Measured, bool Met)> targets)
    {
        if (path is null)
            return;
        File.AppendAllLines(path, targets.Select(t => new JsonObject
        {
            ["issue"] = t.Issue,
            ["target"] = t.Target,
            ["measured"] = t.Measured,
            ["met"] = t.Met,
        }.ToJsonString()));
    }
}
