using Homeserver.Federation.Identifiers;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.Identifiers;

public class IdentifierTests
{
    private const string UrlSafeHash = "Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg";
    private const string StandardHash = "acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk";

    [Theory]
    [InlineData("@alice:example.org", "alice", "example.org", true)]
    [InlineData("@a.b_c=d-e/f+g:example.org:8448", "a.b_c=d-e/f+g", "example.org:8448", true)]
    [InlineData("@0:1.2.3.4", "0", "1.2.3.4", true)]
    [InlineData("@Alice:example.org", "Alice", "example.org", false)]
    [InlineData("@al ice:example.org", "al ice", "example.org", false)]
    [InlineData("@\u00e9\U0001F600:example.org", "\u00e9\U0001F600", "example.org", false)]
    [InlineData("@\u0001:example.org", "\u0001", "example.org", false)]
    [InlineData("@:example.org", "", "example.org", false)]
    public void User_ids_accept_historical_localparts(string text, string localpart, string server, bool compliant)
    {
        UserId.TryParse(text, out var id).Should().BeTrue();
        id.Localpart.Should().Be(localpart);
        id.Server.Value.Should().Be(server);
        id.IsCompliant.Should().Be(compliant);
        UserId.IsValidCompliant(text).Should().Be(compliant);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("alice:example.org")]
    [InlineData("#alice:example.org")]
    [InlineData("@alice")]
    [InlineData("@alice:")]
    [InlineData("@alice:bad_server")]
    [InlineData("@al\0ice:example.org")]
    public void User_ids_reject(string? text) => UserId.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Lone_surrogates_are_not_valid_in_localparts()
    {
        // Built in code: xunit would replace a lone surrogate in attribute data.
        var lone = "al" + (char)0xD800 + "ice";
        UserId.IsValid("@" + lone + ":example.org").Should().BeFalse();
        RoomAlias.IsValid("#" + lone + ":example.org").Should().BeFalse();
        RoomId.IsValid("!" + lone + ":example.org").Should().BeFalse();
    }

    [Fact]
    public void Identifiers_are_limited_to_255_bytes()
    {
        var server = ":example.org";
        var fits = "@" + new string('a', 255 - 1 - server.Length) + server;
        UserId.IsValid(fits).Should().BeTrue();
        UserId.IsValid("@a" + fits[1..]).Should().BeFalse();
        // Bytes, not characters: 'é' is two bytes.
        var multibyte = "@" + new string('\u00e9', 122) + server;
        multibyte.Length.Should().BeLessThan(255);
        UserId.IsValid(multibyte).Should().BeFalse();
        RoomAlias.IsValid("#" + new string('a', 255 - 1 - server.Length) + server).Should().BeTrue();
        RoomAlias.IsValid("#" + new string('a', 256 - 1 - server.Length) + server).Should().BeFalse();
        RoomId.IsValid("!" + new string('a', 256 - 1 - server.Length) + server).Should().BeFalse();
        EventId.IsValid("$" + new string('a', 256 - 1 - server.Length) + server, RoomVersion.V1).Should().BeFalse();
    }

    [Theory]
    [InlineData("!abc:example.org", true, false)]
    [InlineData("!:example.org", true, false)]
    [InlineData("!a\u00e9:example.org:8448", true, false)]
    [InlineData("!" + UrlSafeHash, false, true)]
    [InlineData("!" + StandardHash, false, false)]
    [InlineData("!abc", false, false)]
    [InlineData("!abc:bad_server", false, false)]
    [InlineData("$abc:example.org", false, false)]
    [InlineData("!" + UrlSafeHash + "A", false, false)]
    public void Room_ids_per_room_version(string text, bool validBeforeV12, bool validInV12)
    {
        RoomId.IsValid(text, RoomVersion.V1).Should().Be(validBeforeV12);
        RoomId.IsValid(text, RoomVersion.V11).Should().Be(validBeforeV12);
        RoomId.IsValid(text, RoomVersion.V12).Should().Be(validInV12);
        RoomId.IsValid(text).Should().Be(validBeforeV12 || validInV12);
    }

    [Theory]
    [InlineData("$abc:example.org", true, false, false)]
    [InlineData("$143273582443PhrSn:example.org", true, false, false)]
    [InlineData("$" + StandardHash, false, true, false)]
    [InlineData("$" + UrlSafeHash, false, false, true)]
    [InlineData("$" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, true, true)]
    [InlineData("$abc", false, false, false)]
    [InlineData("$" + UrlSafeHash + "x", false, false, false)]
    [InlineData("!" + UrlSafeHash, false, false, false)]
    [InlineData("$abc:", false, false, false)]
    public void Event_ids_per_room_version(string text, bool v1, bool v3, bool v4)
    {
        EventId.IsValid(text, RoomVersion.V1).Should().Be(v1);
        EventId.IsValid(text, RoomVersion.V2).Should().Be(v1);
        EventId.IsValid(text, RoomVersion.V3).Should().Be(v3);
        EventId.IsValid(text, RoomVersion.V4).Should().Be(v4);
        EventId.IsValid(text, RoomVersion.V12).Should().Be(v4);
        EventId.IsValid(text).Should().Be(v1 || v3 || v4);
    }

    [Theory]
    [InlineData("#room:example.org", true)]
    [InlineData("#r\u00f6\u00f6m with spaces:example.org", true)]
    [InlineData("#room:example.org:8448", true)]
    [InlineData("room:example.org", false)]
    [InlineData("#room", false)]
    [InlineData("#ro\0om:example.org", false)]
    [InlineData("#room:not a server", false)]
    public void Room_aliases(string text, bool valid) => RoomAlias.IsValid(text).Should().Be(valid);

    [Theory]
    [InlineData("ed25519:abc123", "ed25519", "abc123")]
    [InlineData("ed25519:a_AbCd", "ed25519", "a_AbCd")]
    [InlineData("curve25519:X", "curve25519", "X")]
    public void Key_ids_parse(string text, string algorithm, string version)
    {
        KeyId.TryParse(text, out var id).Should().BeTrue();
        id.Should().Be(new KeyId(algorithm, version));
        id.ToString().Should().Be(text);
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("ed25519:")]
    [InlineData(":abc")]
    [InlineData("ed25519:ab-c")]
    [InlineData("ed25519:ab:c")]
    [InlineData("ed 25519:abc")]
    public void Key_ids_reject(string text) => KeyId.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Parse_throws_format_exception_with_the_input()
    {
        var parse = () => UserId.Parse("nope");
        parse.Should().Throw<FormatException>().WithMessage("*nope*");
    }
}
