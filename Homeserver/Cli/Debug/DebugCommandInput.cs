using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;

namespace Homeserver.Cli.Debug;

/// <summary>Input handling shared by the debug commands, and their error reporting.</summary>
internal static class DebugCommandInput
{
    public static JsonObject ReadObject(TextReader stdin, bool strict)
    {
        var text = stdin.ReadToEnd();
        if (string.IsNullOrWhiteSpace(text)) throw new DebugCommandException("expected a JSON object on stdin");
        return CanonicalJsonReader.ParseObject(Encoding.UTF8.GetBytes(text), strict);
    }

    public static RoomVersion RoomVersion(DebugCommandArgs args)
    {
        var id = args.Required("room-version");
        return RoomVersionRegistry.Find(id) ?? throw new DebugCommandException($"unknown room version '{id}'");
    }

    public static IReadOnlyList<SigningKey> KeyFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DebugCommandException($"cannot read key file '{path}': {e.Message}");
        }
        return SigningKeyFile.Parse(text);
    }

    /// <summary>Runs a command body; any failure becomes one line on stderr and exit code 2.</summary>
    public static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            stderr.WriteLine("error: " + e.Message.ReplaceLineEndings(" "));
            return 2;
        }
    }

    public static void WriteJson(TextWriter stdout, JsonNode node) => stdout.WriteLine(CanonicalJson.EncodeToString(node));
}
