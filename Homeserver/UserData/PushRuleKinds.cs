namespace Homeserver.UserData;

/// <summary>The kinds of push rules, in the order they are checked.</summary>
public static class PushRuleKinds
{
    public const string Override = "override";
    public const string Content = "content";
    public const string Room = "room";
    public const string Sender = "sender";
    public const string Underride = "underride";

    public static IReadOnlyList<string> InPriorityOrder { get; } = [Override, Content, Room, Sender, Underride];
}
