using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;

namespace Homeserver.Federation.Receiving;

/// <summary>An EDU of an inbound transaction.</summary>
public sealed record InboundEdu(string EduType, JsonObject Content);

/// <summary>
/// The body of <c>PUT /send/{txnId}</c>, checked: its origin is the server that signed the request, it
/// holds at most 50 PDUs (JSON objects, not yet validated as events) and 100 EDUs. EDUs without a
/// string <c>edu_type</c> or an object <c>content</c> are left out (one bad EDU does not fail the rest).
/// </summary>
public sealed record InboundTransaction(string Origin, string TransactionId, IReadOnlyList<JsonObject> Pdus, IReadOnlyList<InboundEdu> Edus,
    int MalformedEdus)
{
    public const int MaxPdus = 50;
    public const int MaxEdus = 100;
    /// <summary>Transaction ids are opaque, but a key stored per origin is bounded like other identifiers.</summary>
    public const int MaxTransactionIdLength = 255;

    /// <exception cref="MatrixException">400 (403 for another origin) for a body that is not a valid transaction.</exception>
    public static InboundTransaction Parse(string authenticatedOrigin, string transactionId, JsonObject body)
    {
        if (transactionId.Length is 0 or > MaxTransactionIdLength)
            throw MatrixException.InvalidParam($"The transaction id must have 1 to {MaxTransactionIdLength} characters.");
        if (body["origin"] is not JsonValue originValue || !originValue.TryGetValue(out string? origin))
            throw MatrixException.BadJson("'origin' must be a string.");
        if (origin != authenticatedOrigin)
            throw MatrixException.Forbidden($"The transaction's origin {origin} is not the server that signed the request.");
        if (body["origin_server_ts"] is not JsonValue ts || ts.GetValueKind() != JsonValueKind.Number || !ts.TryGetValue(out long _))
            throw MatrixException.BadJson("'origin_server_ts' must be an integer.");

        if (body["pdus"] is not JsonArray pduArray)
            throw MatrixException.BadJson("'pdus' must be an array.");
        if (pduArray.Count > MaxPdus)
            throw new MatrixException(400, ErrorCodes.TooLarge, $"A transaction holds at most {MaxPdus} PDUs.");
        var pdus = new List<JsonObject>(pduArray.Count);
        foreach (var pdu in pduArray)
            pdus.Add(pdu as JsonObject ?? throw MatrixException.BadJson("Every PDU must be a JSON object."));

        var edus = new List<InboundEdu>();
        var malformed = 0;
        switch (body["edus"])
        {
            case null:
                break;
            case JsonArray eduArray:
                if (eduArray.Count > MaxEdus)
                    throw new MatrixException(400, ErrorCodes.TooLarge, $"A transaction holds at most {MaxEdus} EDUs.");
                foreach (var edu in eduArray)
                {
                    if (edu is not JsonObject eduObject)
                        throw MatrixException.BadJson("Every EDU must be a JSON object.");
                    if (eduObject["edu_type"] is JsonValue type && type.TryGetValue(out string? eduType) && eduType.Length > 0
                        && eduObject["content"] is JsonObject content)
                        edus.Add(new InboundEdu(eduType, content));
                    else
                        malformed++;
                }
                break;
            default:
                throw MatrixException.BadJson("'edus' must be an array.");
        }
        return new InboundTransaction(origin, transactionId, pdus, edus, malformed);
    }
}
