namespace Homeserver.Storage.Events;

/// <summary>
/// Room state as storage sees it: (event type, state key) to event id. Storage knows no protocol
/// rules; the room protocol converts from and to its own <c>TypeStateKey</c>.
/// </summary>
public sealed class StateMap : Dictionary<(string Type, string StateKey), string>
{
    public StateMap()
    {
    }

    public StateMap(IEnumerable<KeyValuePair<(string Type, string StateKey), string>> entries) : base(entries)
    {
    }
}
