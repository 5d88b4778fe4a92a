using Homeserver.Storage.UserData;

namespace Homeserver.UserData;

/// <summary>A profile before and after a change made through the profile API.</summary>
public sealed record ProfileChange(string UserId, ProfileRecord? Before, ProfileRecord After);

/// <summary>
/// Told about every stored profile change, after it is stored. This is the hook through which the room
/// pipeline will send the new display name and avatar as <c>m.room.member</c> events to the user's
/// rooms (and presence will announce them); register implementations in the service container.
/// </summary>
public interface IProfileChangeListener
{
    Task OnProfileChangedAsync(ProfileChange change, CancellationToken cancellationToken);
}
