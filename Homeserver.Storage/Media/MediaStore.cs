using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Media;

/// <summary>The local_media and local_media_thumbnails tables: one method per statement, the same SQL on both backends.</summary>
public sealed class MediaStore(IDatabase database) : IMediaStore
{
    private const string Columns = """
        media_id AS MediaId, user_id AS UserId, created_ts AS CreatedTs, unused_expires_ts AS UnusedExpiresTs,
        uploaded_ts AS UploadedTs, content_type AS ContentType, upload_name AS UploadName, size AS Size
        """;

    private const string InsertSql = """
        INSERT INTO local_media (media_id, user_id, created_ts, unused_expires_ts, uploaded_ts, content_type, upload_name, size)
        VALUES (@MediaId, @UserId, @CreatedTs, @UnusedExpiresTs, @UploadedTs, @ContentType, @UploadName, @Size)
        """;

    // Only a pending row takes content, so a second upload to the same id changes nothing.
    private const string CompleteSql = """
        UPDATE local_media SET uploaded_ts = @UploadedTs, content_type = @ContentType, upload_name = @UploadName, size = @Size
        WHERE media_id = @MediaId AND uploaded_ts IS NULL
        """;

    private const string SelectSql = $"SELECT {Columns} FROM local_media WHERE media_id = @MediaId";

    private const string CountPendingSql = """
        SELECT COUNT(*) FROM local_media
        WHERE user_id = @UserId AND uploaded_ts IS NULL AND unused_expires_ts > @NowTs
        """;

    private const string InsertThumbnailSql = """
        INSERT INTO local_media_thumbnails (media_id, width, height, method, content_type, size)
        VALUES (@MediaId, @Width, @Height, @Method, @ContentType, @Size)
        ON CONFLICT (media_id, width, height, method, content_type) DO NOTHING
        """;

    private const string SelectThumbnailSql = """
        SELECT media_id AS MediaId, width AS Width, height AS Height, method AS Method, content_type AS ContentType, size AS Size
        FROM local_media_thumbnails
        WHERE media_id = @MediaId AND width = @Width AND height = @Height AND method = @Method AND content_type = @ContentType
        """;

    public async Task AddUploadedAsync(LocalMediaRecord media, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentException.ThrowIfNullOrEmpty(media.MediaId);
        if (media.UploadedTs is null || media.Size is null)
            throw new ArgumentException("Uploaded media needs its upload time and size.", nameof(media));
        await database.ExecuteInTransactionAsync(InsertSql, media, cancellationToken);
    }

    public async Task AddPendingAsync(string mediaId, string userId, long createdTs, long unusedExpiresTs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var pending = new LocalMediaRecord(mediaId, userId, createdTs, unusedExpiresTs, null, null, null, null);
        await database.ExecuteInTransactionAsync(InsertSql, pending, cancellationToken);
    }

    public async Task<bool> CompleteUploadAsync(string mediaId, string? contentType, string? uploadName, long size, long uploadedTs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaId);
        var updated = await database.ExecuteInTransactionAsync(CompleteSql,
            new { MediaId = mediaId, ContentType = contentType, UploadName = uploadName, Size = size, UploadedTs = uploadedTs }, cancellationToken);
        return updated == 1;
    }

    public async Task<LocalMediaRecord?> GetAsync(string mediaId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LocalMediaRecord>(
            new CommandDefinition(SelectSql, new { MediaId = mediaId }, cancellationToken: cancellationToken));
    }

    public async Task<int> CountPendingAsync(string userId, long nowTs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (int)await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(CountPendingSql, new { UserId = userId, NowTs = nowTs }, cancellationToken: cancellationToken));
    }

    public async Task AddThumbnailAsync(MediaThumbnailRecord thumbnail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        await database.ExecuteInTransactionAsync(InsertThumbnailSql, thumbnail, cancellationToken);
    }

    public async Task<MediaThumbnailRecord?> GetThumbnailAsync(string mediaId, long width, long height, string method, string contentType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<MediaThumbnailRecord>(new CommandDefinition(SelectThumbnailSql,
            new { MediaId = mediaId, Width = width, Height = height, Method = method, ContentType = contentType }, cancellationToken: cancellationToken));
    }
}
