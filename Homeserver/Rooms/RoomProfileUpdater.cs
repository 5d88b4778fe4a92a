using Homeserver.Federation.Http;
using Homeserver.Storage.Events;
using Homeserver.UserData;

namespace Homeserver.Rooms;

/// <summary>
/// Sends a user's new display name and avatar as a fresh <c>m.room.member</c> join event to each room they
/// are joined to. A room that refuses the event (its power levels, for example) keeps the old profile.
/// </summary>
public sealed class RoomProfileUpdater(IRoomEventStore store, RoomStateReader reader, RoomEventSender sender, ILogger<RoomProfileUpdater> logger)
    : IProfileChangeListener
{
    public async Task OnProfileChangedAsync(ProfileChange change, CancellationToken cancellationToken)
    {
        foreach (var roomId in await store.GetRoomsForUserAsync(change.UserId, "join", cancellationToken))
        {
            var content = await reader.GetCurrentContentAsync(roomId, "m.room.member", change.UserId, cancellationToken);
            if (RoomStateReader.MembershipOf(content) != "join") continue;
            var updated = content!.DeepClone().AsObject();
            MemberProfile.Apply(updated, change.After);
            try
            {
                await sender.SendAsync(roomId, "m.room.member", change.UserId, change.UserId, updated, null, cancellationToken);
            }
            catch (MatrixException e)
            {
                logger.LogInformation("Profile of {UserId} not updated in {RoomId}: {Reason}", change.UserId, roomId, e.Message);
            }
        }
    }
}
