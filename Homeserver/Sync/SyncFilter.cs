using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.UserData;
using Homeserver.UserData;

namespace Homeserver.Sync;

/// <summary>The parts of a sync <c>Filter</c> that sync and <c>/messages</c> apply.</summary>
public sealed class SyncFilter
{
    public const int DefaultTimelineLimit = 10;

    /// <summary>Above this a timeline limit is lowered: one sync response stays bounded.</summary>
    public const int MaxTimelineLimit = 1000;

    public static readonly SyncFilter Default = new(null);

    public SyncFilter(JsonObject? filter)
    {
        var room = filter?["room"] as JsonObject;
        Rooms = new EventFilter(room);
        Timeline = new EventFilter(room?["timeline"] as JsonObject);
        State = new EventFilter(room?["state"] as JsonObject);
        RoomAccountData = new EventFilter(room?["account_data"] as JsonObject);
        AccountData = new EventFilter(filter?["account_data"] as JsonObject);
        Presence = new EventFilter(filter?["presence"] as JsonObject);
        IncludeLeave = room?["include_leave"] is JsonValue leave && leave.TryGetValue<bool>(out var l) && l;
        TimelineLimit = (int)Math.Min(Timeline.Limit ?? DefaultTimelineLimit, MaxTimelineLimit);
    }

    /// <summary>Only its <c>rooms</c>/<c>not_rooms</c> are used.</summary>
    public EventFilter Rooms { get; }

    public EventFilter Timeline { get; }

    public EventFilter State { get; }

    public EventFilter RoomAccountData { get; }

    public EventFilter AccountData { get; }

    public EventFilter Presence { get; }

    public bool IncludeLeave { get; }

    public int TimelineLimit { get; }

    /// <summary>The <c>filter</c> query parameter: inline JSON (starting with '{') or the id of one of the user's stored filters.</summary>
    public static async Task<SyncFilter> LoadAsync(string? parameter, string userId, IFilterStore filters, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(parameter))
            return Default;
        JsonObject filter;
        if (parameter.StartsWith('{'))
        {
            try
            {
                filter = JsonNode.Parse(parameter) as JsonObject ?? throw MatrixException.BadJson("The filter must be a JSON object.");
            }
            catch (JsonException e)
            {
                throw MatrixException.BadJson($"The filter is not valid JSON: {e.Message}");
            }
        }
        else
        {
            if (!long.TryParse(parameter, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                throw MatrixException.InvalidParam("'filter' is neither a JSON object nor a filter id.");
            var stored = await filters.GetAsync(userId, id, cancellationToken)
                ?? throw MatrixException.InvalidParam("No such filter.");
            filter = JsonNode.Parse(stored)!.AsObject();
        }
        SyncFilterValidator.Validate(filter);
        return new SyncFilter(filter);
    }

    /// <summary>The <c>filter</c> of <c>/messages</c>: a <c>RoomEventFilter</c> as inline JSON.</summary>
    public static EventFilter ParseRoomEventFilter(string? parameter)
    {
        if (string.IsNullOrEmpty(parameter))
            return EventFilter.All;
        JsonObject filter;
        try
        {
            filter = JsonNode.Parse(parameter) as JsonObject ?? throw MatrixException.BadJson("The filter must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw MatrixException.BadJson($"The filter is not valid JSON: {e.Message}");
        }
        // Checked as the timeline filter of a room filter: the same schema (RoomEventFilter).
        SyncFilterValidator.Validate(new JsonObject { ["room"] = new JsonObject { ["timeline"] = filter.DeepClone() } });
        return new EventFilter(filter);
    }
}
