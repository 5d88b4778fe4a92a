using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;

namespace Homeserver.Tests.ServerApi.Misc;

/// <summary>The server ACL evaluator: the spec's order of checks, globs, IP literals, ports and malformed content.</summary>
public class ServerAclTests
{
    private static ServerAcl Acl(string json) => ServerAcl.FromContent(JsonNode.Parse(json));

    /// <summary>The spec's example event content.</summary>
    private const string SpecExample = """{"allow_ip_literals": false, "allow": ["*"], "deny": ["*.evil.com", "evil.com"]}""";

    [Theory]
    [InlineData("matrix.org", true)]
    [InlineData("evil.com", false)]
    [InlineData("evil.com:8448", false)]
    [InlineData("evil.com:1234", false)]
    [InlineData("EVIL.COM", false)]
    [InlineData("sub.evil.com", false)]
    [InlineData("deep.sub.evil.com:443", false)]
    [InlineData("notevil.com", true)]
    [InlineData("evil.com.example", true)]
    [InlineData("1.2.3.4", false)]
    [InlineData("1.2.3.4:8448", false)]
    [InlineData("[::1]", false)]
    [InlineData("[2001:db8::1]:8448", false)]
    public void The_spec_example(string server, bool allowed) => Acl(SpecExample).IsAllowed(server).Should().Be(allowed);

    [Theory]
    [InlineData("*", "anything.example", true)]
    [InlineData("*", "", true)]
    [InlineData("?", "a", true)]
    [InlineData("?", "", false)]
    [InlineData("?", "ab", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("*.example.org", "matrix.example.org", true)]
    [InlineData("*.example.org", "example.org", false)]
    [InlineData("*example.org", "example.org", true)]
    [InlineData("ex*le.*", "example.org", true)]
    [InlineData("ex*le.*", "exile-org", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXcYYb", false)]
    [InlineData("**", "x", true)]
    [InlineData("MaTrIx.Org", "matrix.ORG", true)]
    [InlineData("server.[x]", "server.[x]", true)]
    [InlineData("a.b", "aXb", false)]
    public void Globs_match_star_and_question_mark_and_ignore_ascii_case(string pattern, string text, bool matches) =>
        ServerAclGlob.IsMatch(pattern, text).Should().Be(matches);

    [Fact]
    public void A_hostile_glob_finishes_quickly()
    {
        var pattern = string.Concat(Enumerable.Repeat("*a", 50)) + "b";
        var text = new string('a', 5000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ServerAclGlob.IsMatch(pattern, text).Should().BeFalse();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Deny_wins_over_allow()
    {
        var acl = Acl("""{"allow": ["*.example.org", "good.example.org"], "deny": ["good.example.org"]}""");
        acl.IsAllowed("good.example.org").Should().BeFalse();
        acl.IsAllowed("other.example.org").Should().BeTrue();
    }

    [Fact]
    public void Allow_is_matched_without_the_port_and_unmatched_servers_are_denied()
    {
        var acl = Acl("""{"allow": ["example.org"]}""");
        acl.IsAllowed("example.org:8448").Should().BeTrue();
        acl.IsAllowed("example.org").Should().BeTrue();
        acl.IsAllowed("example.net").Should().BeFalse();
        Acl("""{"allow": ["example.org:8448"]}""").IsAllowed("example.org:8448").Should().BeFalse("a pattern never sees the port");
    }

    [Theory]
    [InlineData("""{"allow": ["*"]}""", true)]
    [InlineData("""{"allow": ["*"], "allow_ip_literals": true}""", true)]
    [InlineData("""{"allow": ["*"], "allow_ip_literals": false}""", false)]
    [InlineData("""{"allow": ["*"], "allow_ip_literals": "false"}""", true)]
    [InlineData("""{"allow": ["*"], "allow_ip_literals": 0}""", true)]
    [InlineData("""{"allow": ["*"], "allow_ip_literals": null}""", true)]
    public void Ip_literals_are_allowed_unless_allow_ip_literals_is_the_boolean_false(string content, bool allowed)
    {
        var acl = Acl(content);
        acl.IsAllowed("192.168.1.1").Should().Be(allowed);
        acl.IsAllowed("[::1]:8448").Should().Be(allowed);
        acl.IsAllowed("example.org").Should().BeTrue("only literals are affected");
    }

    [Fact]
    public void Ip_literals_can_be_named_in_the_lists()
    {
        var acl = Acl("""{"allow": ["10.0.0.*", "[::1]"], "deny": ["10.0.0.66"]}""");
        acl.IsAllowed("10.0.0.5").Should().BeTrue();
        acl.IsAllowed("10.0.0.66:8448").Should().BeFalse();
        acl.IsAllowed("[::1]:1234").Should().BeTrue();
        acl.IsAllowed("10.0.1.5").Should().BeFalse();
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"deny": ["evil.com"]}""")]
    [InlineData("""{"allow": "*"}""")]
    [InlineData("""{"allow": {"*": true}}""")]
    [InlineData("""{"allow": [1, null, true, ["*"]]}""")]
    [InlineData("[]")]
    [InlineData("\"not an object\"")]
    [InlineData("null")]
    public void A_missing_or_malformed_allow_list_denies_everyone(string content)
    {
        var acl = Acl(content);
        acl.IsAllowed("good.example.org").Should().BeFalse();
        acl.IsAllowed("evil.com").Should().BeFalse();
    }

    [Fact]
    public void Malformed_entries_are_skipped_and_a_malformed_deny_list_is_empty()
    {
        var acl = Acl("""{"allow": [1, "*.example.org", null], "deny": "example.org"}""");
        acl.Allow.Should().Equal("*.example.org");
        acl.Deny.Should().BeEmpty();
        acl.IsAllowed("a.example.org").Should().BeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad name")]
    [InlineData("example.org:port")]
    [InlineData("[not-ipv6]")]
    public void Names_that_are_not_server_names_are_denied(string server) =>
        Acl("""{"allow": ["*"]}""").IsAllowed(server).Should().BeFalse();

    [Fact]
    public void A_room_without_an_acl_allows_everyone() => ServerAcl.Allows(null, "anything.example").Should().BeTrue();
}
