using Homeserver.Storage.Events;

namespace Homeserver.Storage.Streams;

/// <summary>
/// What every sync reads first: the streams' positions; the user's membership changes and the rooms that moved after the
/// token's room position (<see cref="MovedRooms"/>, null when not asked), both read after the positions, so complete up to them
/// and possibly with later ones (the caller cuts them at its own bound); and the rooms the user forgot.
/// </summary>
public sealed record SyncStart(StreamPositions Positions, IReadOnlyList<MembershipChange> Memberships, IReadOnlySet<string> Forgotten,
    IReadOnlySet<string>? MovedRooms);
