namespace Homeserver.Storage.Streams;

/// <summary>The current position of each stream a sync reads, read together.</summary>
public sealed record StreamPositions(long Room, long RemoteInvites, long AccountData, long Receipts, long ToDevice, long DeviceLists);
