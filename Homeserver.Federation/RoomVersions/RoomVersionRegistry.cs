namespace Homeserver.Federation.RoomVersions;

/// <summary>The stable room versions this server supports, by identifier.</summary>
public static class RoomVersionRegistry
{
    public static readonly IReadOnlyList<RoomVersion> Stable =
    [
        RoomVersion.V1, RoomVersion.V2, RoomVersion.V3, RoomVersion.V4, RoomVersion.V5, RoomVersion.V6,
        RoomVersion.V7, RoomVersion.V8, RoomVersion.V9, RoomVersion.V10, RoomVersion.V11, RoomVersion.V12,
    ];

    public static readonly RoomVersion Default = RoomVersion.V12;

    private static readonly Dictionary<string, RoomVersion> ById = Stable.ToDictionary(v => v.Id, StringComparer.Ordinal);

    public static bool TryGet(string id, out RoomVersion version) => ById.TryGetValue(id, out version!);

    public static RoomVersion? Find(string id) => ById.GetValueOrDefault(id);
}
