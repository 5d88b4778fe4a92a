using System.Text.Json.Nodes;
using Homeserver.Storage.UserData;

namespace Homeserver.Rooms;

/// <summary>The profile fields a join carries in its <c>m.room.member</c> content (displayname, avatar_url).</summary>
public static class MemberProfile
{
    public static void Apply(JsonObject content, ProfileRecord? profile)
    {
        content.Remove("displayname");
        content.Remove("avatar_url");
        if (profile?.DisplayName is { } name) content["displayname"] = name;
        if (profile?.AvatarUrl is { } avatar) content["avatar_url"] = avatar;
    }
}
