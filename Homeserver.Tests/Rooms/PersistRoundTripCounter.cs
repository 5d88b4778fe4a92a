using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Homeserver.Storage.Database;

namespace Homeserver.Tests.Rooms;

/// <summary>
/// Counts the work a PostgreSQL database is asked to do: every command Npgsql sends (one round trip each,
/// a multi-statement command included; seen through Npgsql's activity source and kept only for this
/// database's name) and every connection and write transaction taken through the wrapped <see cref="IDatabase"/>
/// (a commit is one more round trip).
/// </summary>
internal sealed class PersistRoundTripCounter : IDatabase
{
    private readonly IDatabase _inner;
    private readonly string _databaseName;
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<(string Text, TimeSpan Duration)> _commands = new();
    private int _transactions;
    private int _connections;

    public PersistRoundTripCounter(IDatabase inner, string databaseName)
    {
        _inner = inner;
        _databaseName = databaseName;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public SqlDialect Dialect => _inner.Dialect;

    /// <summary>Commands, write transactions and connections counted since the last reset.</summary>
    public (IReadOnlyList<(string Text, TimeSpan Duration)> Commands, int Transactions, int Connections) Snapshot() =>
        ([.. _commands], _transactions, _connections);

    public void Reset()
    {
        _commands.Clear();
        _transactions = 0;
        _connections = 0;
    }

    public Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connections);
        return _inner.OpenConnectionAsync(cancellationToken);
    }

    public Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _transactions);
        return _inner.InTransactionAsync(work, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _inner.DisposeAsync();
    }

    private void OnStopped(Activity activity)
    {
        var database = activity.GetTagItem("db.namespace") ?? activity.GetTagItem("db.name");
        if (!string.Equals(database as string, _databaseName, StringComparison.Ordinal)) return;
        var text = activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement");
        _commands.Enqueue((text as string ?? activity.DisplayName, activity.Duration));
    }
}
