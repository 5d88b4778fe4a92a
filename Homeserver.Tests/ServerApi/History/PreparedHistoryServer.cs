using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Web;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Transport;

namespace Homeserver.Tests.ServerApi.History;

/// <summary>
/// A room's whole history, built event by event and signed as its servers would, and an
/// <see cref="IFederationClient"/> that answers <c>/backfill</c>, <c>/state_ids</c>, <c>/event_auth</c>
/// and <c>/event</c> from it, recording each request.
/// </summary>
internal sealed class PreparedHistoryServer(RoomVersion version) : IFederationClient
{
    private readonly Dictionary<string, Pdu> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<TypeStateKey, Pdu>> _stateBefore = new(StringComparer.Ordinal);
    private Dictionary<TypeStateKey, Pdu> _state = [];

    public List<Pdu> Chain { get; } = [];
    public ConcurrentQueue<string> Requests { get; } = new();
    public string RoomId => Chain[0].RoomId;

    public IReadOnlyDictionary<TypeStateKey, Pdu> State => _state;

    /// <summary>When set, every request fails as if the server were down.</summary>
    public bool Unreachable { get; set; }

    public IReadOnlyDictionary<TypeStateKey, Pdu> StateBefore(string eventId) => _stateBefore[eventId];

    /// <summary>Builds the next event on top of the last one, with auth events from the state so far.</summary>
    public Pdu Add(LocalEventBuilder builder, string type, string sender, JsonObject content, string? stateKey = null)
    {
        var pdu = Chain.Count == 0
            ? builder.BuildCreate(version, sender, content)
            : builder.Build(version, new LocalEventDraft(RoomId, type, stateKey, sender, content), [Chain[^1]], _state);
        _events[pdu.EventId] = pdu;
        _stateBefore[pdu.EventId] = new Dictionary<TypeStateKey, Pdu>(_state);
        if (pdu.StateKey is { } key)
            _state = new Dictionary<TypeStateKey, Pdu>(_state) { [new TypeStateKey(pdu.Type, key)] = pdu };
        Chain.Add(pdu);
        return pdu;
    }

    public Task<JsonNode?> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body, CancellationToken cancellationToken)
    {
        Requests.Enqueue(pathAndQuery);
        if (Unreachable)
            throw new FederationRequestException(destination, "unreachable");
        var uri = new Uri("https://remote" + pathAndQuery);
        var segments = uri.AbsolutePath.Split('/').Select(Uri.UnescapeDataString).ToArray(); // "", _matrix, federation, v1, name, ...
        var query = HttpUtility.ParseQueryString(uri.Query);
        JsonNode? answer = segments[4] switch
        {
            "backfill" => new JsonObject { ["origin"] = destination, ["origin_server_ts"] = 0, ["pdus"] = Pdus(Backfill(query.GetValues("v") ?? [], int.Parse(query["limit"]!))) },
            "state_ids" => new JsonObject
            {
                ["pdu_ids"] = Ids(_stateBefore[query["event_id"]!].Values),
                ["auth_chain_ids"] = Ids(AuthChain(_stateBefore[query["event_id"]!].Values)),
            },
            "event_auth" => new JsonObject { ["auth_chain"] = Pdus(AuthChain([_events[segments[6]]])) },
            "event" when _events.TryGetValue(segments[5], out var pdu) => new JsonObject { ["origin"] = destination, ["origin_server_ts"] = 0, ["pdus"] = Pdus([pdu]) },
            _ => throw new FederationRequestException(destination, "not found", 404, "M_NOT_FOUND"),
        };
        return Task.FromResult<JsonNode?>(answer);
    }

    public Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, CancellationToken cancellationToken) =>
        throw new FederationRequestException(destination, "no raw requests here");

    private List<Pdu> Backfill(IEnumerable<string> from, int limit)
    {
        var result = new List<Pdu>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new PriorityQueue<Pdu, long>();
        foreach (var id in from)
            if (seen.Add(id) && _events.TryGetValue(id, out var start)) queue.Enqueue(start, -start.Depth);
        while (result.Count < limit && queue.TryDequeue(out var next, out _))
        {
            result.Add(next);
            foreach (var prev in next.PrevEvents)
                if (seen.Add(prev)) queue.Enqueue(_events[prev], -_events[prev].Depth);
        }
        return result;
    }

    private List<Pdu> AuthChain(IEnumerable<Pdu> of)
    {
        var chain = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        var pending = new Stack<string>(of.SelectMany(e => e.AuthEvents));
        while (pending.TryPop(out var id))
            if (chain.TryAdd(id, _events[id]))
                foreach (var auth in _events[id].AuthEvents) pending.Push(auth);
        return [.. chain.Values];
    }

    private static JsonArray Pdus(IEnumerable<Pdu> pdus) => new([.. pdus.Select(p => (JsonNode)p.Json.DeepClone())]);

    private static JsonArray Ids(IEnumerable<Pdu> pdus) => new([.. pdus.Select(p => (JsonNode)JsonValue.Create(p.EventId))]);
}
