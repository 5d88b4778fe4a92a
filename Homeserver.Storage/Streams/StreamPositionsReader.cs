using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.E2ee;
using Homeserver.Storage.Events;
using Homeserver.Storage.Federation;
using Homeserver.Storage.Receipts;
using Homeserver.Storage.ToDevice;
using Homeserver.Storage.UserData;

namespace Homeserver.Storage.Streams;

/// <summary>
/// Reads the current positions of all the streams a sync reads in one statement (one round trip instead of
/// one per stream). Each position is the owning store's own query, so the two cannot disagree.
/// </summary>
public sealed class StreamPositionsReader(IDatabase database)
{
    internal const string SelectSql = $"""
        SELECT CAST(COALESCE(({RoomEventStore.SelectMaxStreamOrderingSql}), 0) AS BIGINT) AS Room,
               CAST(COALESCE(({RemoteInviteStore.MaxPositionSql}), 0) AS BIGINT) AS RemoteInvites,
               CAST(COALESCE(({AccountDataStore.CurrentPositionSql}), 0) AS BIGINT) AS AccountData,
               CAST(COALESCE(({ReceiptStore.CurrentPositionSql}), 0) AS BIGINT) AS Receipts,
               CAST(COALESCE(({ToDeviceStore.CurrentPositionSql}), 0) AS BIGINT) AS ToDevice,
               CAST(COALESCE(({DeviceListStore.CurrentPositionSql}), 0) AS BIGINT) AS DeviceLists
        """;

    public async Task<StreamPositions> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<StreamPositions>(new CommandDefinition(SelectSql, cancellationToken: cancellationToken));
    }
}
