namespace Homeserver.Federation.Membership;

/// <summary>
/// The three make/send handshakes (join, leave, knock): a server outside a room asks a resident
/// server for an event template, signs it and hands it back. Each has its paths and membership value.
/// </summary>
public sealed record MembershipHandshake(string Membership, string MakePath, string SendPath)
{
    public static readonly MembershipHandshake Join = new("join", "/_matrix/federation/v1/make_join", "/_matrix/federation/v2/send_join");
    public static readonly MembershipHandshake Leave = new("leave", "/_matrix/federation/v1/make_leave", "/_matrix/federation/v2/send_leave");
    public static readonly MembershipHandshake Knock = new("knock", "/_matrix/federation/v1/make_knock", "/_matrix/federation/v1/send_knock");
}
