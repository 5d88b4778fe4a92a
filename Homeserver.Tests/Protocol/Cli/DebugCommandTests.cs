using System.Text.Json.Nodes;
using Homeserver.Cli.Debug;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Homeserver.Tests.Protocol.Events;

namespace Homeserver.Tests.Protocol.Cli;

public sealed class DebugCommandTests : IDisposable
{
    // The spec's test key (appendices, "Cryptographic Test Vectors").
    private const string SpecSeed = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
    private const string SpecPublicKey = "XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI";
    private const string SpecSignatureOfEmptyObject = "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ";

    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"debug-cli-{Guid.NewGuid():N}.key");

    public DebugCommandTests() => File.WriteAllText(_keyFile, $"ed25519 1 {SpecSeed}\n");

    public void Dispose() => File.Delete(_keyFile);

    private delegate int Command(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr);

    private static (int Exit, string Out, string Err) Run(Command command, string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = command(args, new StringReader(stdin), stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Sign_json_produces_the_spec_signature()
    {
        var (exit, output, err) = Run(SignJsonCommand.Run, "{}", "--key-file", _keyFile, "--server-name", "domain");
        exit.Should().Be(0, err);
        output.Should().Be($"{{\"signatures\":{{\"domain\":{{\"ed25519:1\":\"{SpecSignatureOfEmptyObject}\"}}}}}}\n");
    }

    [Fact]
    public void Verify_json_accepts_what_sign_json_produced_and_rejects_tampering()
    {
        var signed = Run(SignJsonCommand.Run, "{\"a\":1}", "--key-file", _keyFile, "--server-name", "domain").Out;

        var byPublicKey = Run(VerifyJsonCommand.Run, signed, "--server-name", "domain", "--public-key", SpecPublicKey);
        byPublicKey.Exit.Should().Be(0, byPublicKey.Err);
        byPublicKey.Out.Should().StartWith("valid:").And.EndWith("\n").And.Subject.Count(c => c == '\n').Should().Be(1);

        Run(VerifyJsonCommand.Run, signed, "--server-name", "domain", "--key-file", _keyFile).Exit.Should().Be(0);
        Run(VerifyJsonCommand.Run, signed, "--server-name", "domain", "--public-key", SpecPublicKey, "--key-id", "ed25519:1").Exit.Should().Be(0);

        var tampered = Run(VerifyJsonCommand.Run, signed.Replace("\"a\":1", "\"a\":2"), "--server-name", "domain", "--public-key", SpecPublicKey);
        tampered.Exit.Should().Be(1);
        tampered.Out.Should().StartWith("invalid:");

        var otherServer = Run(VerifyJsonCommand.Run, signed, "--server-name", "elsewhere", "--public-key", SpecPublicKey);
        otherServer.Exit.Should().Be(1);

        var wrongKeyId = Run(VerifyJsonCommand.Run, signed, "--server-name", "domain", "--public-key", SpecPublicKey, "--key-id", "ed25519:2");
        wrongKeyId.Exit.Should().Be(1);
        wrongKeyId.Out.Should().Contain("no key to verify");
    }

    [Fact]
    public void Event_id_prints_hashes_and_id()
    {
        var version = RoomVersion.V11;
        var pdu = TestEvents.Signed(TestEvents.Message(version), version);
        var (exit, output, err) = Run(EventIdCommand.Run, CanonicalJson.EncodeToString(pdu), "--room-version", "11");
        exit.Should().Be(0, err);
        var result = JsonNode.Parse(output)!;
        result["event_id"]!.GetValue<string>().Should().Be(EventIds.Compute(pdu, version));
        result["content_hash"]!.GetValue<string>().Should().Be(pdu["hashes"]!["sha256"]!.GetValue<string>());
        result["reference_hash"]!.GetValue<string>().Should().Be(UnpaddedBase64.Encode(EventHashes.ReferenceHash(pdu, version)));
    }

    [Fact]
    public void Event_id_in_v1_is_the_carried_id()
    {
        var pdu = TestEvents.Signed(TestEvents.Message(RoomVersion.V1), RoomVersion.V1);
        var output = Run(EventIdCommand.Run, pdu.ToJsonString(), "--room-version", "1").Out;
        JsonNode.Parse(output)!["event_id"]!.GetValue<string>().Should().Be("$msg1:example.org");
    }

    [Fact]
    public void Redact_prints_the_redacted_form()
    {
        var pdu = TestEvents.Signed(TestEvents.Message(RoomVersion.V11), RoomVersion.V11);
        var (exit, output, _) = Run(RedactCommand.Run, pdu.ToJsonString(), "--room-version", "11");
        exit.Should().Be(0);
        output.TrimEnd('\n').Should().Be(CanonicalJson.EncodeToString(Redaction.Redact(pdu, RoomVersion.V11)));
        output.Should().Contain("\"content\":{}");
    }

    public static TheoryData<string, string, string[]> BadInputs => new()
    {
        { "redact", "{}", ["--room-version", "99"] },
        { "redact", "not json", ["--room-version", "11"] },
        { "redact", "[1]", ["--room-version", "11"] },
        { "redact", "{}", [] },
        { "redact", "{}", ["--room-version"] },
        { "redact", "{}", ["--bogus", "1"] },
        { "redact", "", ["--room-version", "11"] },
        { "event-id", "{\"a\":1.5}", ["--room-version", "11"] },
        { "event-id", "{\"a\":1,\"a\":2}", ["--room-version", "11"] },
        { "sign", "{}", ["--key-file", "/nonexistent/key", "--server-name", "domain"] },
        { "sign", "{}", ["--key-file", "KEYFILE", "--server-name", "bad server"] },
        { "sign", "{\"signatures\":5}", ["--key-file", "KEYFILE", "--server-name", "domain"] },
        { "verify", "{}", ["--server-name", "domain"] },
        { "verify", "{}", ["--server-name", "domain", "--public-key", "not base64!"] },
        { "verify", "{\"signatures\":{\"domain\":{\"ed25519:1\":\"x\"}}}", ["--server-name", "domain", "--public-key", "AAAA"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gives_one_line_on_stderr_and_a_non_zero_exit(string command, string stdin, string[] args)
    {
        Command run = command switch
        {
            "redact" => RedactCommand.Run,
            "event-id" => EventIdCommand.Run,
            "sign" => SignJsonCommand.Run,
            _ => VerifyJsonCommand.Run,
        };
        var (exit, output, err) = Run(run, stdin, args.Select(a => a == "KEYFILE" ? _keyFile : a).ToArray());
        exit.Should().NotBe(0);
        output.Should().BeEmpty();
        err.Should().StartWith("error: ").And.EndWith("\n");
        err.Count(c => c == '\n').Should().Be(1);
        err.Should().NotContain("   at ");
    }
}
