using System.Text.Json.Nodes;
using Homeserver.Federation.Http;

namespace Homeserver.Tests.Http;

public class MatrixExceptionTests
{
    [Fact]
    public void Body_has_errcode_error_and_extra_fields()
    {
        var error = new MatrixException(400, ErrorCodes.IncompatibleRoomVersion, "Room version 99 is not supported.",
            new Dictionary<string, JsonNode?> { ["room_version"] = "99" });
        var json = error.ToJson();
        json.ToJsonString().Should().Be("""{"errcode":"M_INCOMPATIBLE_ROOM_VERSION","error":"Room version 99 is not supported.","room_version":"99"}""");
        error.ToJson().ToJsonString().Should().Be(json.ToJsonString(), "the body can be produced more than once");
    }

    [Fact]
    public void Extra_fields_cannot_override_the_standard_ones()
    {
        var act = () => new MatrixException(400, ErrorCodes.BadJson, "x", new Dictionary<string, JsonNode?> { ["errcode"] = "M_OTHER" });
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Status_must_be_an_error_status()
    {
        var act = () => new MatrixException(200, ErrorCodes.Unknown, "x");
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Factories_use_the_spec_statuses_and_codes()
    {
        MatrixException.MissingToken().StatusCode.Should().Be(401);
        MatrixException.UnknownToken().ToJson()["soft_logout"]!.GetValue<bool>().Should().BeFalse();
        MatrixException.UnknownToken(softLogout: true).ToJson()["soft_logout"]!.GetValue<bool>().Should().BeTrue();
        MatrixException.Unrecognized(405).StatusCode.Should().Be(405);
        MatrixException.TooLarge().StatusCode.Should().Be(413);
        MatrixException.Forbidden("no").ErrorCode.Should().Be("M_FORBIDDEN");
        MatrixException.NotFound().ErrorCode.Should().Be("M_NOT_FOUND");
    }

    [Fact]
    public void Limit_exceeded_rounds_retry_after_up_to_whole_milliseconds()
    {
        var error = MatrixException.LimitExceeded(TimeSpan.FromTicks(15_001)); // 1.5001 ms
        error.ToJson()["retry_after_ms"]!.GetValue<long>().Should().Be(2);
        error.RetryAfter.Should().Be(TimeSpan.FromMilliseconds(2));
    }
}
