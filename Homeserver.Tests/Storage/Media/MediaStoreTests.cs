using Homeserver.Storage.Media;

namespace Homeserver.Tests.Storage.Media;

/// <summary>The media store, run against each backend by the subclasses below.</summary>
public abstract class MediaStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private async Task<MediaStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static string NewUser() => $"@u{Guid.NewGuid():N}:example.org";

    [SkippableFact]
    public async Task Uploaded_media_reads_back_as_stored()
    {
        var store = await StoreAsync();
        var media = new LocalMediaRecord(NewId(), NewUser(), 1000, null, 1000, "image/png", "cat.png", 12345);

        await store.AddUploadedAsync(media, CancellationToken.None);

        var read = await store.GetAsync(media.MediaId, CancellationToken.None);
        read.Should().Be(media);
        read!.IsUploaded.Should().BeTrue();
        (await store.GetAsync(NewId(), CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task A_pending_id_takes_content_once()
    {
        var store = await StoreAsync();
        var id = NewId();
        var user = NewUser();
        await store.AddPendingAsync(id, user, 1000, 5000, CancellationToken.None);

        var pending = await store.GetAsync(id, CancellationToken.None);
        pending.Should().Be(new LocalMediaRecord(id, user, 1000, 5000, null, null, null, null));
        pending!.IsUploaded.Should().BeFalse();
        pending.IsExpired(4999).Should().BeFalse();
        pending.IsExpired(5000).Should().BeTrue();

        (await store.CompleteUploadAsync(id, "text/plain", "a.txt", 3, 2000, CancellationToken.None)).Should().BeTrue();
        (await store.CompleteUploadAsync(id, "image/png", "b.png", 4, 3000, CancellationToken.None)).Should().BeFalse();
        (await store.CompleteUploadAsync(NewId(), "image/png", null, 4, 3000, CancellationToken.None)).Should().BeFalse();

        var uploaded = await store.GetAsync(id, CancellationToken.None);
        uploaded.Should().Be(new LocalMediaRecord(id, user, 1000, 5000, 2000, "text/plain", "a.txt", 3));
        uploaded!.IsExpired(10_000).Should().BeFalse("uploaded media never expires");
    }

    [SkippableFact]
    public async Task Pending_count_excludes_uploaded_expired_and_other_users_ids()
    {
        var store = await StoreAsync();
        var user = NewUser();
        await store.AddPendingAsync(NewId(), user, 1000, 5000, CancellationToken.None);
        await store.AddPendingAsync(NewId(), user, 1000, 9000, CancellationToken.None);
        var done = NewId();
        await store.AddPendingAsync(done, user, 1000, 9000, CancellationToken.None);
        await store.CompleteUploadAsync(done, "text/plain", null, 1, 1500, CancellationToken.None);
        await store.AddPendingAsync(NewId(), NewUser(), 1000, 9000, CancellationToken.None);

        (await store.CountPendingAsync(user, 2000, CancellationToken.None)).Should().Be(2);
        (await store.CountPendingAsync(user, 5000, CancellationToken.None)).Should().Be(1);
        (await store.CountPendingAsync(user, 9000, CancellationToken.None)).Should().Be(0);
    }

    [SkippableFact]
    public async Task Thumbnails_are_found_by_their_full_key_and_recorded_once()
    {
        var store = await StoreAsync();
        var id = NewId();
        var thumbnail = new MediaThumbnailRecord(id, 96, 96, "crop", "image/png", 2048);

        await store.AddThumbnailAsync(thumbnail, CancellationToken.None);
        await store.AddThumbnailAsync(thumbnail with { Size = 9999 }, CancellationToken.None);

        (await store.GetThumbnailAsync(id, 96, 96, "crop", "image/png", CancellationToken.None)).Should().Be(thumbnail);
        (await store.GetThumbnailAsync(id, 96, 96, "scale", "image/png", CancellationToken.None)).Should().BeNull();
        (await store.GetThumbnailAsync(id, 96, 96, "crop", "image/jpeg", CancellationToken.None)).Should().BeNull();
        (await store.GetThumbnailAsync(id, 32, 32, "crop", "image/png", CancellationToken.None)).Should().BeNull();
    }
}

public sealed class SqliteMediaStoreTests(SqliteBackendFixture fixture) : MediaStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresMediaStoreTests(PostgresBackendFixture fixture) : MediaStoreTests<PostgresBackendFixture>(fixture);
