namespace Homeserver.LoadTest;

/// <summary>The server's resident memory before and while <see cref="Polls"/> idle long-polls were held open.</summary>
public sealed record IdlePollMemory(int Polls, int Parked, double IdleResidentMiB, double HeldResidentMiB, double PeakMiB)
{
    public double KiBPerPoll => Polls == 0 ? double.NaN : (HeldResidentMiB - IdleResidentMiB) * 1024 / Polls;
}
