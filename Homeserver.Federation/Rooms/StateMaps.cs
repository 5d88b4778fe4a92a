using Homeserver.Federation.Events;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>Conversions between storage's <see cref="StateMap"/> and the protocol's state maps.</summary>
internal static class StateMaps
{
    public static Dictionary<TypeStateKey, string> FromStorage(StateMap state)
    {
        var result = new Dictionary<TypeStateKey, string>(state.Count);
        foreach (var ((type, stateKey), eventId) in state) result[new TypeStateKey(type, stateKey)] = eventId;
        return result;
    }

    public static StateMap ToStorage(IReadOnlyDictionary<TypeStateKey, string> state)
    {
        var result = new StateMap();
        foreach (var (key, eventId) in state) result[(key.Type, key.StateKey)] = eventId;
        return result;
    }

    public static bool AreEqual(IReadOnlyDictionary<TypeStateKey, string> a, IReadOnlyDictionary<TypeStateKey, string> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        foreach (var (key, id) in a)
            if (!b.TryGetValue(key, out var other) || other != id) return false;
        return true;
    }
}
