using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Cli.Debug;

/// <summary>
/// <c>check-auth --room-version V</c>: reads <c>{"event": ..., "auth_events": [...], "create_event": ...}</c>
/// from stdin, checks the event's auth_events list and then the auth rules against those events,
/// and prints <c>{"allowed": true}</c> or <c>{"allowed": false, "rule": ..., "reason": ...}</c>.
/// Every event carries its <c>event_id</c>. <c>auth_events</c> holds exactly the events the
/// event's own <c>auth_events</c> names (any order); in v12 the create event, which is never
/// listed, is given as <c>create_event</c> or among <c>auth_events</c>.
/// Exit codes: 0 allowed, 1 rejected, 2 bad input (one line on stderr).
/// </summary>
public static class CheckAuthCommand
{
    public const string Usage = "usage: check-auth --room-version <version> < {\"event\": {...}, \"auth_events\": [...], \"create_event\": {...}}";
    private const int MaxInputChars = 16 * 1024 * 1024;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdin, stdout, stderr, EventAuthorizer.Default);

    /// <param name="authorizer">The authorizer to use (its canonical JSON encoder verifies third-party invites).</param>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, EventAuthorizer authorizer)
    {
        try
        {
            var version = ParseArguments(args);
            var input = ReadInput(stdin);
            var result = Check(version, input, authorizer);
            var output = new JsonObject { ["allowed"] = result.Allowed };
            if (!result.Allowed)
            {
                output["rule"] = result.Rule;
                output["reason"] = result.Reason;
            }
            stdout.WriteLine(output.ToJsonString());
            return result.Allowed ? 0 : 1;
        }
        catch (BadInputException e)
        {
            stderr.WriteLine("check-auth: " + e.Message);
        }
        catch (JsonException e)
        {
            stderr.WriteLine("check-auth: input is not valid JSON: " + OneLine(e.Message));
        }
        catch (PduFormatException e)
        {
            stderr.WriteLine("check-auth: invalid event: " + OneLine(e.Message));
        }
        catch (Exception e)
        {
            // Never a stack trace: anything unexpected is still reported as one line.
            stderr.WriteLine($"check-auth: cannot check this input ({e.GetType().Name}: {OneLine(e.Message)})");
        }
        return 2;
    }

    private static RoomVersion ParseArguments(string[] args)
    {
        string? id = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--room-version" && i + 1 < args.Length) id = args[++i];
            else if (args[i].StartsWith("--room-version=", StringComparison.Ordinal)) id = args[i]["--room-version=".Length..];
            else throw new BadInputException($"unexpected argument '{args[i]}'; {Usage}");
        }
        if (id is null) throw new BadInputException(Usage);
        return RoomVersionRegistry.Find(id) ?? throw new BadInputException($"unknown room version '{id}'");
    }

    private static JsonObject ReadInput(TextReader stdin)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = stdin.Read(buffer, 0, buffer.Length)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > MaxInputChars) throw new BadInputException("input is larger than 16 MiB");
        }
        return JsonNode.Parse(text.ToString(), documentOptions: ParseOptions) as JsonObject
            ?? throw new BadInputException("input must be a JSON object");
    }

    private static AuthResult Check(RoomVersion version, JsonObject input, EventAuthorizer authorizer)
    {
        var ev = ToPdu(input["event"], version, "event");
        var supplied = input["auth_events"] switch
        {
            null => [],
            JsonArray array => array.Select((e, i) => ToPdu(e, version, $"auth_events[{i}]")).ToList(),
            _ => throw new BadInputException("auth_events must be an array of events"),
        };
        var create = input["create_event"] is null ? null : ToPdu(input["create_event"], version, "create_event");

        var byId = new Dictionary<string, Pdu>();
        foreach (var pdu in supplied)
            if (!byId.TryAdd(pdu.EventId, pdu)) throw new BadInputException($"auth event {pdu.EventId} is given twice");
        var listed = new List<Pdu>();
        foreach (var id in ev.AuthEvents)
            listed.Add(byId.GetValueOrDefault(id) ?? throw new BadInputException($"the event lists auth event {id}, which is not given"));
        foreach (var pdu in supplied.Where(p => !ev.AuthEvents.Contains(p.EventId)))
        {
            if (version.Rules.RoomIdIsCreateEventHash && pdu.Type == AuthStateKeys.CreateType && create is null) create = pdu;
            else throw new BadInputException($"auth event {pdu.EventId} is not listed in the event's auth_events");
        }

        var listCheck = AuthEventSelection.AuthEventsListCheck(version, ev, listed);
        if (!listCheck.Allowed) return listCheck;
        var state = AuthEventSelection.ToAuthState(listed, version.Rules.RoomIdIsCreateEventHash ? create : null);
        return authorizer.Check(version, ev, state);
    }

    private static Pdu ToPdu(JsonNode? node, RoomVersion version, string what)
    {
        if (node is not JsonObject json) throw new BadInputException($"{what} must be an event object");
        if (json["event_id"] is not JsonValue id || !id.TryGetValue(out string? eventId))
            throw new BadInputException($"{what} needs an event_id");
        try
        {
            return Pdu.FromJson(json, version, eventId);
        }
        catch (PduFormatException e)
        {
            throw new BadInputException($"{what} is not a valid event: {OneLine(e.Message)}");
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private sealed class BadInputException(string message) : Exception(message);
}
