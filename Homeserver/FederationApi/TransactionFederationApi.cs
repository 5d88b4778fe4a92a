using Homeserver.ClientApi;
using Homeserver.Federation.Receiving;

namespace Homeserver.FederationApi;

/// <summary><c>PUT /_matrix/federation/v1/send/{txnId}</c>: another server pushes PDUs and EDUs (Server-Server API, "Transactions").</summary>
public static class TransactionFederationApi
{
    public static IEndpointRouteBuilder MapTransactionFederationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPut("/_matrix/federation/v1/send/{txnId}", SendTransaction).RequireFederationAuth();
        return routes;
    }

    private static async Task<IResult> SendTransaction(string txnId, FederationRequest request, TransactionReceiver receiver,
        CancellationToken cancellationToken)
    {
        var answer = await receiver.ReceiveAsync(request.Origin, txnId, request.RequiredBody, cancellationToken);
        return JsonResults.Raw(answer.ToJsonString());
    }
}
