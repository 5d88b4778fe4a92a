using Homeserver.Federation.Identifiers;

namespace Homeserver.Tests.Protocol.Identifiers;

public class ServerNameTests
{
    [Theory]
    [InlineData("matrix.org", "matrix.org", null)]
    [InlineData("matrix.org:8888", "matrix.org", 8888)]
    [InlineData("1.2.3.4", "1.2.3.4", null)]
    [InlineData("1.2.3.4:1234", "1.2.3.4", 1234)]
    [InlineData("[1234:5678::abcd]", "[1234:5678::abcd]", null)]
    [InlineData("[1234:5678::abcd]:5678", "[1234:5678::abcd]", 5678)]
    [InlineData("[::1]", "[::1]", null)]
    [InlineData("[::ffff:1.2.3.4]:80", "[::ffff:1.2.3.4]", 80)]
    [InlineData("localhost", "localhost", null)]
    [InlineData("MATRIX.ORG", "MATRIX.ORG", null)]
    [InlineData("a-b.c-d", "a-b.c-d", null)]
    [InlineData("x:1", "x", 1)]
    [InlineData("x:00080", "x", 80)]
    public void Accepts(string text, string host, int? port)
    {
        ServerName.TryParse(text, out var name).Should().BeTrue();
        name.Host.Should().Be(host);
        name.Port.Should().Be(port);
        name.ToString().Should().Be(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData(":80")]
    [InlineData("matrix.org:")]
    [InlineData("matrix.org:123456")]
    [InlineData("matrix.org:80a")]
    [InlineData("matrix.org:80:80")]
    [InlineData("matrix_org")]
    [InlineData("matrix.org/")]
    [InlineData("m\u00e4trix.org")]
    [InlineData("1.2.3.256")]
    [InlineData("[1234:5678::abcd")]
    [InlineData("[1234:5678::abcd]x")]
    [InlineData("[1234:5678::abcd]:")]
    [InlineData("[1.2.3.4]")]
    [InlineData("[g::1]")]
    [InlineData("[]")]
    [InlineData("1234:5678::abcd")]
    [InlineData("exa mple.org")]
    public void Rejects(string? text) => ServerName.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Dns_names_are_limited_to_255_characters()
    {
        ServerName.IsValid(new string('a', 255)).Should().BeTrue();
        ServerName.IsValid(new string('a', 256)).Should().BeFalse();
    }

    [Fact]
    public void Server_names_are_case_sensitive() =>
        ServerName.Parse("matrix.org").Should().NotBe(ServerName.Parse("MATRIX.ORG"));
}
