namespace Homeserver.Federation.Membership;

/// <summary>Told when a user's remote invites change (stored, rejected, taken up), so their waiting /sync wakes.</summary>
public interface IRemoteInviteListener
{
    void InviteChanged(string userId);
}
