using System.Collections;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Homeserver.Cli;
using Homeserver.Configuration;
using Homeserver.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.Cli;

public sealed class HostingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_app_starts_under_WebApplicationFactory_from_a_temp_config()
    {
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, "server_name: factory.test\n");
        // WebApplicationFactory hands its settings to Program as "--key=value" arguments: "--config=path".
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("config", path));
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/no/such/route");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        factory.Services.GetRequiredService<HomeserverConfig>().ServerName.Should().Be("factory.test");
        File.Exists(_folder["signing.key"]).Should().BeTrue("the signing key is created next to the config");
    }

    [Fact]
    public async Task Each_listener_serves_only_its_resources()
    {
        int clientPort = FreePort.Next(), federationPort = FreePort.Next();
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, $"""
            listeners:
              - port: {clientPort}
                resources: [client]
              - port: {federationPort}
                resources: [{"{"}names: [federation]{"}"}]
            """);
        var server = ServerSetup.Prepare(CommandLine.Parse(["--config", path]), new Hashtable(), TextWriter.Null, TextWriter.Null)!;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _folder.Path });
        builder.AddHomeserverHosting(server);
        await using var app = builder.Build();
        app.UseHomeserverListeners();
        foreach (var route in new[] { "/_matrix/client/v3/test", "/_matrix/media/v3/test", "/_matrix/federation/v1/test", "/_matrix/key/v2/server", "/.well-known/matrix/client" })
            app.MapGet(route, () => "served");
        await app.StartAsync();
        try
        {
            using var http = new HttpClient();
            async Task<HttpStatusCode> Status(int port, string route) => (await http.GetAsync($"http://127.0.0.1:{port}{route}")).StatusCode;

            (await Status(clientPort, "/_matrix/client/v3/test")).Should().Be(HttpStatusCode.OK);
            (await Status(clientPort, "/_matrix/media/v3/test")).Should().Be(HttpStatusCode.OK, "client implies media");
            (await Status(clientPort, "/_matrix/federation/v1/test")).Should().Be(HttpStatusCode.NotFound);
            (await Status(clientPort, "/_matrix/key/v2/server")).Should().Be(HttpStatusCode.NotFound);
            (await Status(federationPort, "/_matrix/client/v3/test")).Should().Be(HttpStatusCode.NotFound);
            (await Status(federationPort, "/_matrix/federation/v1/test")).Should().Be(HttpStatusCode.OK);
            (await Status(federationPort, "/_matrix/key/v2/server")).Should().Be(HttpStatusCode.OK, "federation implies keys");
            (await Status(federationPort, "/.well-known/matrix/client")).Should().Be(HttpStatusCode.OK);

            var refused = await http.GetAsync($"http://127.0.0.1:{clientPort}/_matrix/federation/v1/test");
            refused.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
            var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!.AsObject();
            body["errcode"]!.GetValue<string>().Should().Be("M_UNRECOGNIZED");
            body["error"]!.GetValue<string>().Should().Be("This port does not serve the federation API");
            body.Count.Should().Be(2);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task A_tls_listener_serves_https_with_its_pem_certificate_and_key()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", ecdsa, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Directory.CreateDirectory(_folder["tls"]);
        File.WriteAllText(_folder["tls/cert.pem"], certificate.ExportCertificatePem());
        File.WriteAllText(_folder["tls/key.pem"], ecdsa.ExportPkcs8PrivateKeyPem());
        var port = FreePort.Next();
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, $"listeners: [{{port: {port}, tls: true, tls_certificate_path: tls/cert.pem, tls_private_key_path: tls/key.pem}}]\n");

        var stdout = new StringWriter();
        var server = ServerSetup.Prepare(CommandLine.Parse(["--config", path]), new Hashtable(), stdout, TextWriter.Null)!;
        stdout.ToString().Should().Contain($"Listening on: https://127.0.0.1:{port} (client, federation)");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _folder.Path });
        builder.AddHomeserverHosting(server);
        await using var app = builder.Build();
        app.UseHomeserverListeners();
        app.MapGet("/_matrix/client/v3/test", () => "served");
        await app.StartAsync();
        try
        {
            X509Certificate2? presented = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.RawData);
                    return true;
                },
            };
            using var http = new HttpClient(handler);
            var response = await http.GetAsync($"https://127.0.0.1:{port}/_matrix/client/v3/test");

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            presented!.Thumbprint.Should().Be(certificate.Thumbprint);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task A_port_in_use_ends_the_run_with_a_message_and_exit_code_1()
    {
        using var occupant = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, $"listeners: [{{port: {port}}}]\n");
        var server = ServerSetup.Prepare(CommandLine.Parse(["--config", path]), new Hashtable(), TextWriter.Null, TextWriter.Null)!;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _folder.Path });
        builder.AddHomeserverHosting(server);
        await using var app = builder.Build();
        var stderr = new StringWriter();

        (await app.RunHomeserverAsync(server, stderr)).Should().Be(1);
        stderr.ToString().Should().StartWith($"error: Failed to bind to address http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task An_x_forwarded_listener_takes_the_client_address_from_the_proxy_headers()
    {
        int proxied = FreePort.Next(), direct = FreePort.Next();
        var path = _folder["homeserver.yaml"];
        File.WriteAllText(path, $"listeners: [{{port: {proxied}, x_forwarded: true}}, {{port: {direct}}}]\n");
        var server = ServerSetup.Prepare(CommandLine.Parse(["--config", path]), new Hashtable(), TextWriter.Null, TextWriter.Null)!;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _folder.Path });
        builder.AddHomeserverHosting(server);
        await using var app = builder.Build();
        app.UseHomeserverListeners();
        app.MapGet("/client", (HttpContext context) => $"{context.Connection.RemoteIpAddress} {context.Request.Scheme}");
        await app.StartAsync();
        try
        {
            using var http = new HttpClient();
            async Task<string> Client(int port)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/client");
                request.Headers.Add("X-Forwarded-For", "203.0.113.9, 198.51.100.7");
                request.Headers.Add("X-Forwarded-Proto", "https");
                return await (await http.SendAsync(request)).Content.ReadAsStringAsync();
            }

            (await Client(proxied)).Should().Be("198.51.100.7 https");
            (await Client(direct)).Should().Be("127.0.0.1 http");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public void Paths_map_to_resources()
    {
        ListenerResources.ResourceOf("/_matrix/client/versions").Should().Be("client");
        ListenerResources.ResourceOf("/_synapse/admin/v1/register").Should().Be("client");
        ListenerResources.ResourceOf("/_matrix/federation/v1/send/1").Should().Be("federation");
        ListenerResources.ResourceOf("/_matrix/key/v2/server").Should().Be("keys");
        ListenerResources.ResourceOf("/_matrix/media/v3/upload").Should().Be("media");
        ListenerResources.ResourceOf("/_matrix/client/v1/media/download/a/b").Should().Be("media");
        ListenerResources.ResourceOf("/_matrix/client/v1/mediax").Should().Be("client");
        ListenerResources.ResourceOf("/_matrix/clientx").Should().BeNull();
        ListenerResources.ResourceOf("/.well-known/matrix/server").Should().BeNull();
    }
}
