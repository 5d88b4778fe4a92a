using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;

namespace Homeserver.Storage.E2ee;

/// <summary>The e2e_cross_signing_signatures table.</summary>
public sealed class KeySignatureStore(IDatabase database) : IKeySignatureStore
{
    private const string UpsertSql = """
        INSERT INTO e2e_cross_signing_signatures (signer_user_id, signer_key_id, target_user_id, target_key_id, signature)
        VALUES (@SignerUserId, @SignerKeyId, @TargetUserId, @TargetKeyId, @Signature)
        ON CONFLICT (target_user_id, target_key_id, signer_user_id, signer_key_id) DO UPDATE SET signature = excluded.signature
        """;

    private const string DeleteForTargetSql = """
        DELETE FROM e2e_cross_signing_signatures WHERE target_user_id = @TargetUserId AND target_key_id = @TargetKeyId
        """;

    private const string DeleteBySignerSql = """
        DELETE FROM e2e_cross_signing_signatures WHERE signer_user_id = @SignerUserId AND signer_key_id = @SignerKeyId
        """;

    private readonly string _selectForTargetsSql = $"""
        SELECT signer_user_id AS SignerUserId, signer_key_id AS SignerKeyId, target_user_id AS TargetUserId,
               target_key_id AS TargetKeyId, signature AS Signature
        FROM e2e_cross_signing_signatures
        WHERE {JsonRows.For(database.Dialect).In("target_user_id", "UserIds")}
        ORDER BY target_user_id, target_key_id, signer_user_id, signer_key_id
        """;

    /// <summary>Deletes the signatures a replaced cross-signing key made, inside the caller's transaction.</summary>
    internal static Task DeleteBySignerAsync(DbConnection connection, DbTransaction transaction, string signerUserId, string signerKeyId,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(DeleteBySignerSql, new { SignerUserId = signerUserId, SignerKeyId = signerKeyId },
            transaction, cancellationToken: cancellationToken));

    public Task AddAsync(IReadOnlyList<KeySignatureRecord> signatures, IReadOnlyCollection<string> changedUserIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        ArgumentNullException.ThrowIfNull(changedUserIds);
        if (signatures.Count == 0)
            return Task.CompletedTask;
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var signature in signatures)
                await connection.ExecuteAsync(new CommandDefinition(UpsertSql, signature, transaction, cancellationToken: cancellationToken));
            await DeviceListStore.AppendAsync(connection, transaction, changedUserIds, cancellationToken);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<KeySignatureRecord>> GetForTargetsAsync(IReadOnlyCollection<string> targetUserIds, CancellationToken cancellationToken)
    {
        if (targetUserIds.Count == 0)
            return [];
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<KeySignatureRecord>(new CommandDefinition(_selectForTargetsSql,
            new { UserIds = JsonRows.Encode(targetUserIds) }, cancellationToken: cancellationToken))];
    }

    public Task DeleteForTargetAsync(string targetUserId, string targetKeyId, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(DeleteForTargetSql, new { TargetUserId = targetUserId, TargetKeyId = targetKeyId }, cancellationToken);
}
