using Homeserver.Configuration;

namespace Homeserver.Tests.Configuration;

public class NotationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData("2w", 1_209_600_000)]
    [InlineData("1y", 31_536_000_000)]
    [InlineData("1500", 1500)]
    [InlineData("0", 0)]
    [InlineData(" 10s ", 10_000)]
    public void Durations_use_synapse_notation(string text, long milliseconds)
    {
        DurationNotation.TryParse(text, out var duration, out var error).Should().BeTrue(error);
        duration.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ms")]
    [InlineData("-5s")]
    [InlineData("1.5h")]
    [InlineData("5 m")]
    [InlineData("5x")]
    [InlineData("5S")]
    [InlineData("99999999999999999999")]
    [InlineData("9999999999999y")]
    public void Invalid_durations_are_rejected_with_a_message(string text)
    {
        DurationNotation.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Contain($"'{text}'");
    }

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(1500, "1500ms")]
    [InlineData(604_800_000, "1w")]
    [InlineData(0, "0ms")]
    public void Durations_format_in_the_largest_exact_unit(long milliseconds, string text)
    {
        DurationNotation.Format(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(text);
        DurationNotation.TryParse(text, out var back, out _).Should().BeTrue();
        back.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("512K", 512L * 1024)]
    [InlineData("512k", 512L * 1024)]
    [InlineData("10M", 10L * 1024 * 1024)]
    [InlineData("1G", 1024L * 1024 * 1024)]
    [InlineData("1234", 1234)]
    [InlineData("0", 0)]
    public void Sizes_use_synapse_notation(string text, long bytes)
    {
        ByteSizeNotation.TryParse(text, out var parsed, out var error).Should().BeTrue(error);
        parsed.Should().Be(bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("M")]
    [InlineData("-1M")]
    [InlineData("1.5M")]
    [InlineData("10MB")]
    [InlineData("10T")]
    [InlineData("99999999999G")]
    public void Invalid_sizes_are_rejected_with_a_message(string text)
    {
        ByteSizeNotation.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Contain($"'{text}'");
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("example.org")]
    [InlineData("example.org:8448")]
    [InlineData("1.2.3.4:1234")]
    [InlineData("[::1]")]
    [InlineData("[1234:5678::abcd]:5678")]
    public void Valid_server_names_are_accepted(string name) =>
        ServerNameSyntax.IsValid(name, out _).Should().BeTrue();

    [Theory]
    [InlineData("")]
    [InlineData("exa_mple.org")]
    [InlineData("example.org:")]
    [InlineData("example.org:0")]
    [InlineData("example.org:65536")]
    [InlineData("example.org:123456")]
    [InlineData("[::1")]
    [InlineData("[not-ipv6]")]
    [InlineData("[::1]x")]
    [InlineData("https://example.org")]
    public void Invalid_server_names_are_rejected(string name) =>
        ServerNameSyntax.IsValid(name, out _).Should().BeFalse();
}
