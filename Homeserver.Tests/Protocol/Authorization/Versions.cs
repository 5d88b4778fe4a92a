using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>Room version ids as theory data, all or filtered by a rule flag.</summary>
public static class Versions
{
    public static TheoryData<string> All => Where(_ => true);
    public static TheoryData<string> Where(Func<RoomVersionRules, bool> predicate)
    {
        var data = new TheoryData<string>();
        foreach (var v in RoomVersionRegistry.Stable.Where(v => predicate(v.Rules))) data.Add(v.Id);
        return data;
    }

    public static RoomVersion Get(string id) => RoomVersionRegistry.Find(id)!;
}
