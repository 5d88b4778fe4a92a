using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Storage.KeyBackup;

namespace Homeserver.KeyBackup;

/// <summary>Strict readers of the key backup request bodies and ids.</summary>
public static class KeyBackupRequests
{
    /// <summary>Longest algorithm name and session id accepted, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Most keys one upload may carry.</summary>
    public const int MaxKeysPerRequest = 10_000;

    /// <summary>Largest body of a key upload: clients upload keys in batches of a few hundred.</summary>
    public const long MaxKeysBodyBytes = 4 * 1024 * 1024;

    /// <summary>The algorithm and auth data of a version body (400 <c>M_BAD_JSON</c> when missing or of the wrong type).</summary>
    public static (string Algorithm, JsonObject AuthData) ReadVersion(JsonObject body)
    {
        if (body["algorithm"] is not JsonValue algorithmValue || !algorithmValue.TryGetValue<string>(out var algorithm))
            throw MatrixException.BadJson("algorithm must be a string.");
        if (algorithm.Length == 0 || Encoding.UTF8.GetByteCount(algorithm) > MaxNameBytes)
            throw MatrixException.InvalidParam($"algorithm must be 1 to {MaxNameBytes} bytes long.");
        if (body["auth_data"] is not JsonObject authData)
            throw MatrixException.BadJson("auth_data must be an object.");
        return (algorithm, authData);
    }

    /// <summary>
    /// A version number from the path or the query. Versions are opaque strings to clients; ours are decimal
    /// numbers, so anything else names no version (null).
    /// </summary>
    public static long? ParseVersion(string version)
    {
        if (version.Length is 0 or > 18 || version[0] == '0' || !version.All(char.IsAsciiDigit)) return null;
        return long.Parse(version, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>400 <c>M_MISSING_PARAM</c> without the <c>version</c> query parameter.</summary>
    public static string RequireVersionParam(string? version) =>
        version ?? throw MatrixException.MissingParam("The version query parameter is required.");

    /// <summary>400 <c>M_INVALID_PARAM</c> unless the room id is valid and the session id is 1 to 255 bytes.</summary>
    public static void CheckIds(string roomId, string? sessionId)
    {
        if (!RoomId.IsValid(roomId))
            throw MatrixException.InvalidParam($"'{roomId}' is not a valid room ID.");
        if (sessionId is not null && (sessionId.Length == 0 || Encoding.UTF8.GetByteCount(sessionId) > MaxNameBytes))
            throw MatrixException.InvalidParam($"Session IDs must be 1 to {MaxNameBytes} bytes long.");
    }

    /// <summary>The keys of <c>{"rooms": {roomId: {"sessions": {sessionId: keyData}}}}</c>.</summary>
    public static List<BackedUpKey> ReadRooms(JsonObject body)
    {
        if (body["rooms"] is not JsonObject rooms)
            throw MatrixException.BadJson("rooms must be an object.");
        var keys = new List<BackedUpKey>();
        foreach (var (roomId, room) in rooms)
        {
            if (room is not JsonObject roomObject)
                throw MatrixException.BadJson($"rooms.{roomId} must be an object.");
            keys.AddRange(ReadRoom(roomId, roomObject, keys.Count));
        }
        return keys;
    }

    /// <summary>The keys of <c>{"sessions": {sessionId: keyData}}</c> for one room.</summary>
    public static List<BackedUpKey> ReadRoom(string roomId, JsonObject body, int alreadyRead = 0)
    {
        CheckIds(roomId, null);
        if (body["sessions"] is not JsonObject sessions)
            throw MatrixException.BadJson("sessions must be an object.");
        if (alreadyRead + sessions.Count > MaxKeysPerRequest)
            throw MatrixException.TooLarge($"At most {MaxKeysPerRequest} keys can be uploaded at once.");
        var keys = new List<BackedUpKey>(sessions.Count);
        foreach (var (sessionId, data) in sessions)
        {
            if (data is not JsonObject dataObject)
                throw MatrixException.BadJson($"The key of session {sessionId} must be an object.");
            keys.Add(ReadKey(roomId, sessionId, dataObject));
        }
        return keys;
    }

    /// <summary>One session's key data: <c>first_message_index</c>, <c>forwarded_count</c>, <c>is_verified</c>, <c>session_data</c>.</summary>
    public static BackedUpKey ReadKey(string roomId, string sessionId, JsonObject data)
    {
        CheckIds(roomId, sessionId);
        var firstMessageIndex = ReadCount(data, "first_message_index");
        var forwardedCount = ReadCount(data, "forwarded_count");
        if (data["is_verified"] is not JsonValue verified || !verified.TryGetValue<bool>(out var isVerified))
            throw MatrixException.BadJson("is_verified must be a boolean.");
        if (data["session_data"] is not JsonObject sessionData)
            throw MatrixException.BadJson("session_data must be an object.");
        return new BackedUpKey(roomId, sessionId, firstMessageIndex, forwardedCount, isVerified, sessionData.ToJsonString());
    }

    private static long ReadCount(JsonObject data, string name)
    {
        if (data[name] is not JsonValue value || !value.TryGetValue<long>(out var number))
            throw MatrixException.BadJson($"{name} must be an integer.");
        if (number < 0)
            throw MatrixException.InvalidParam($"{name} must not be negative.");
        return number;
    }
}
