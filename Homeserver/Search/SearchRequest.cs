using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Sync;

namespace Homeserver.Search;

/// <summary>
/// The <c>room_events</c> criteria of a <c>POST /search</c> body, validated: wrong JSON types give
/// <c>M_BAD_JSON</c>, values outside the spec's enums or bounds give <c>M_INVALID_PARAM</c>.
/// </summary>
public sealed record SearchRequest(
    string SearchTerm,
    IReadOnlyList<string> Keys,
    EventFilter Filter,
    int Limit,
    bool OrderByRank,
    EventContextRequest? Context,
    bool IncludeState,
    IReadOnlyList<string> GroupBy)
{
    public const int MaxSearchTermLength = 1000;
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;
    public const int DefaultContextLimit = 5;
    public const int MaxContextLimit = 100;
    public const string GroupByRoom = "room_id";
    public const string GroupBySender = "sender";

    /// <summary>The criteria of <c>search_categories.room_events</c>; null when the body asks for no category we know.</summary>
    public static SearchRequest? Parse(JsonObject body)
    {
        if (body["search_categories"] is not JsonObject categories)
            throw MatrixException.BadJson("'search_categories' must be an object.");
        if (!categories.TryGetPropertyValue("room_events", out var roomEventsNode))
            return null; // unknown categories are ignored
        if (roomEventsNode is not JsonObject criteria)
            throw MatrixException.BadJson("'search_categories.room_events' must be an object.");

        var searchTerm = String(criteria, "search_term") ?? throw MatrixException.BadJson("'search_term' is required and must be a string.");
        if (searchTerm.Length > MaxSearchTermLength)
            throw MatrixException.InvalidParam($"'search_term' is longer than {MaxSearchTermLength} characters.");

        IReadOnlyList<string> keys = SearchKeys.All;
        if (criteria.TryGetPropertyValue("keys", out var keysNode) && keysNode is not null)
        {
            if (keysNode is not JsonArray keyArray || keyArray.Any(k => k is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
                throw MatrixException.BadJson("'keys' must be an array of strings.");
            var given = keyArray.Select(k => k!.GetValue<string>()).ToList();
            if (given.FirstOrDefault(k => !SearchKeys.All.Contains(k)) is { } unknown)
                throw MatrixException.InvalidParam($"'{unknown}' is not a searchable key (content.body, content.name, content.topic).");
            if (given.Count > 0) keys = [.. given.Distinct(StringComparer.Ordinal)];
        }

        var orderBy = String(criteria, "order_by") ?? "rank";
        if (orderBy is not ("rank" or "recent"))
            throw MatrixException.InvalidParam("'order_by' must be 'rank' or 'recent'.");

        var filter = EventFilter.All;
        if (criteria.TryGetPropertyValue("filter", out var filterNode) && filterNode is not null)
        {
            if (filterNode is not JsonObject filterObject)
                throw MatrixException.BadJson("'filter' must be an object.");
            filter = SyncFilter.ParseRoomEventFilter(filterObject.ToJsonString());
        }
        var limit = (int)Math.Min(filter.Limit ?? DefaultLimit, MaxLimit);

        EventContextRequest? context = null;
        if (criteria.TryGetPropertyValue("event_context", out var contextNode) && contextNode is not null)
        {
            if (contextNode is not JsonObject contextObject)
                throw MatrixException.BadJson("'event_context' must be an object.");
            context = new EventContextRequest(
                ContextLimit(contextObject, "before_limit"),
                ContextLimit(contextObject, "after_limit"),
                Bool(contextObject, "include_profile"));
        }

        var groupBy = new List<string>();
        if (criteria.TryGetPropertyValue("groupings", out var groupingsNode) && groupingsNode is not null)
        {
            if (groupingsNode is not JsonObject groupings)
                throw MatrixException.BadJson("'groupings' must be an object.");
            if (groupings.TryGetPropertyValue("group_by", out var groupByNode) && groupByNode is not null)
            {
                if (groupByNode is not JsonArray groups)
                    throw MatrixException.BadJson("'groupings.group_by' must be an array.");
                foreach (var group in groups)
                {
                    if (group is not JsonObject groupObject || String(groupObject, "key") is not { } key)
                        throw MatrixException.BadJson("Each 'group_by' entry must be an object with a string 'key'.");
                    if (key is not (GroupByRoom or GroupBySender))
                        throw MatrixException.InvalidParam("A group 'key' must be 'room_id' or 'sender'.");
                    if (!groupBy.Contains(key)) groupBy.Add(key);
                }
            }
        }

        return new SearchRequest(searchTerm, keys, filter, limit, orderBy == "rank", context, Bool(criteria, "include_state"), groupBy);
    }

    private static string? String(JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return null;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw MatrixException.BadJson($"'{name}' must be a string.");
    }

    private static bool Bool(JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return false;
        return node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValue<bool>()
            : throw MatrixException.BadJson($"'{name}' must be a boolean.");
    }

    private static int ContextLimit(JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return DefaultContextLimit;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<long>(out var n))
            throw MatrixException.BadJson($"'{name}' must be an integer.");
        if (n < 0) throw MatrixException.InvalidParam($"'{name}' must not be negative.");
        return (int)Math.Min(n, MaxContextLimit);
    }
}

/// <summary>How much context to return around each result (<c>event_context</c>).</summary>
public sealed record EventContextRequest(int BeforeLimit, int AfterLimit, bool IncludeProfile);
