using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Spaces;

/// <summary>
/// The <c>from</c>/<c>next_batch</c> token of the space hierarchy: the walk's parameters (root, <c>suggested_only</c>, the
/// requested <c>max_depth</c>) and how many rooms earlier pages returned. The walk is deterministic, so the next page
/// walks again and continues after that many rooms. The parameters are carried so a token is refused for another walk.
/// </summary>
public sealed record HierarchyToken(string RootId, bool SuggestedOnly, int? MaxDepth, int Returned)
{
    private const string Prefix = "h1_";

    public override string ToString()
    {
        var json = new JsonObject { ["r"] = RootId, ["s"] = SuggestedOnly, ["d"] = MaxDepth, ["n"] = Returned };
        return Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    /// <summary>The token, or null when the text is not one this server made.</summary>
    public static HierarchyToken? TryParse(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length > 4096)
            return null;
        try
        {
            if (JsonNode.Parse(Base64Url.DecodeFromChars(text.AsSpan(Prefix.Length))) is not JsonObject json)
                return null;
            var root = json["r"] is JsonValue r && r.TryGetValue<string>(out var s) ? s : null;
            var suggested = json["s"] is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? b.GetValue<bool>() : (bool?)null;
            var returned = json["n"] is JsonValue n && n.TryGetValue<int>(out var count) && count >= 0 ? count : (int?)null;
            int? maxDepth = json["d"] switch
            {
                null => null,
                JsonValue d when d.TryGetValue<int>(out var depth) && depth >= 0 => depth,
                _ => -1,
            };
            if (root is null || suggested is null || returned is null || maxDepth == -1)
                return null;
            return new HierarchyToken(root, suggested.Value, maxDepth, returned.Value);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
