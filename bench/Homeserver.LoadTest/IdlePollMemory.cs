namespace Homeserver.LoadTest;

/// <summary>
/// The server's resident memory before and while <see cref="Polls"/> idle long-polls were held open;
/// <see cref="ServerSockets"/> is how many more sockets the server had open while they were, the
/// proof that it accepted the connections.
/// </summary>
public sealed record IdlePollMemory(int Polls, int Parked, int ServerSockets, double IdleResidentMiB, double HeldResidentMiB, double PeakMiB)
{
    public double KiBPerPoll => Polls == 0 ? double.NaN : (HeldResidentMiB - IdleResidentMiB) * 1024 / Polls;
}
