namespace Homeserver.Federation.Events;

/// <summary>The key of a room state entry: an event type and a state key.</summary>
public readonly record struct TypeStateKey(string Type, string StateKey)
{
    public override string ToString() => $"({Type}, {StateKey})";
}
