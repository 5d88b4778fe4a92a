using System.Text;
using Homeserver.Federation.Http;

namespace Homeserver.UserData;

/// <summary>Account data types the server knows, and the check of type names from request paths.</summary>
public static class AccountDataTypes
{
    public const string FullyRead = "m.fully_read";
    public const string PushRules = "m.push_rules";
    public const string Tag = "m.tag";

    /// <summary>Same bound as event types (255 bytes): account data reaches clients as events.</summary>
    public const int MaxTypeBytes = 255;

    /// <summary>Types the server maintains itself; clients read them but may not set them (405).</summary>
    public static bool IsServerManaged(string type) => type is FullyRead or PushRules;

    /// <summary>400 <c>M_INVALID_PARAM</c> for an empty, too long or NUL-containing type.</summary>
    public static void Check(string type)
    {
        if (type.Length == 0)
            throw MatrixException.InvalidParam("The account data type is empty.");
        if (Encoding.UTF8.GetByteCount(type) > MaxTypeBytes)
            throw MatrixException.InvalidParam($"The account data type is longer than {MaxTypeBytes} bytes.");
        if (type.Contains('\0'))
            throw MatrixException.InvalidParam("The account data type contains a NUL character.");
    }
}
