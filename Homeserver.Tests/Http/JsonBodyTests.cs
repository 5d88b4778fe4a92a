using System.Net;
using System.Text;
using Homeserver.Federation.Http;

namespace Homeserver.Tests.Http;

/// <summary>The strict request reader, through HTTP (TestHost limits: 4096 bytes, depth 8).</summary>
public class JsonBodyTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly HttpClient _client = host.CreateClient();

    private Task<HttpResponseMessage> PostAsync(string path, byte[] body) => _client.PostAsync(path, TestHost.JsonContent(body));

    private Task<HttpResponseMessage> PostAsync(string path, string body) => PostAsync(path, Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task Valid_object_is_read_including_escaped_surrogate_pairs()
    {
        var response = await PostAsync("/_test/echo", """{"a": [1, {"b": null}], "emoji": "\ud83d\ude00", "é": "ü"}""");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.ReadJsonObjectAsync();
        body["emoji"]!.GetValue<string>().Should().Be("😀");
        body["é"]!.GetValue<string>().Should().Be("ü");
    }

    [Theory]
    [InlineData("""{"a": 1, "a": 2}""")]
    [InlineData("""{"a": 1, "\u0061": 2}""")]
    [InlineData("""{"outer": {"k": true, "k": false}}""")]
    public async Task Duplicate_keys_are_M_NOT_JSON(string json)
    {
        await (await PostAsync("/_test/echo", json)).ShouldBeMatrixErrorAsync(400, ErrorCodes.NotJson);
    }

    [Fact]
    public async Task Same_key_in_sibling_objects_is_fine()
    {
        var response = await PostAsync("/_test/echo", """{"x": {"k": 1}, "y": {"k": 2}, "z": [{"k": 3}, {"k": 4}]}""");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D })] // {"a":"\xFF"}
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D })] // truncated sequence
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D })] // overlong '/'
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D })] // UTF-8 encoded surrogate
    public async Task Invalid_utf8_is_M_NOT_JSON(byte[] body)
    {
        await (await PostAsync("/_test/echo", body)).ShouldBeMatrixErrorAsync(400, ErrorCodes.NotJson);
    }

    [Theory]
    [InlineData("""{"a": "\ud800"}""")]
    [InlineData("""{"a": "\udc00 then text"}""")]
    [InlineData("""{"a": "\ud83d\u0041"}""")]
    [InlineData("""{"\ud800": 1}""")]
    public async Task Escaped_lone_surrogates_are_M_NOT_JSON(string json)
    {
        await (await PostAsync("/_test/echo", json)).ShouldBeMatrixErrorAsync(400, ErrorCodes.NotJson);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"a": 1,}""")]
    [InlineData("""{"a": 1} {"b": 2}""")]
    [InlineData("""{"a": 1 /* comment */}""")]
    [InlineData("""{'a': 1}""")]
    [InlineData("""{"a": NaN}""")]
    public async Task Malformed_json_is_M_NOT_JSON(string json)
    {
        await (await PostAsync("/_test/echo", json)).ShouldBeMatrixErrorAsync(400, ErrorCodes.NotJson);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task Json_that_is_not_an_object_is_M_BAD_JSON(string json)
    {
        await (await PostAsync("/_test/echo", json)).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task Nesting_up_to_the_limit_is_accepted_and_deeper_is_M_BAD_JSON()
    {
        // The root object is level 1; TestHost allows 8 levels.
        var atLimit = new string('[', 7) + new string(']', 7);
        (await PostAsync("/_test/echo", $$"""{"a": {{atLimit}}}""")).StatusCode.Should().Be(HttpStatusCode.OK);

        var tooDeep = new string('[', 8) + new string(']', 8);
        await (await PostAsync("/_test/echo", $$"""{"a": {{tooDeep}}}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task Very_deep_nesting_is_a_clean_400_not_a_crash()
    {
        var deep = "{\"a\":" + new string('[', 1000) + new string(']', 1000) + "}";
        await (await PostAsync("/_test/echo", deep)).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_M_TOO_LARGE()
    {
        var json = $$"""{"a": "{{new string('x', 5000)}}"}""";
        await (await PostAsync("/_test/echo", json)).ShouldBeMatrixErrorAsync(413, ErrorCodes.TooLarge);
    }

    [Fact]
    public async Task Body_over_the_limit_without_content_length_is_413_M_TOO_LARGE()
    {
        var json = Encoding.UTF8.GetBytes($$"""{"a": "{{new string('x', 5000)}}"}""");
        var content = new StreamContent(new NonSeekableStream(json));
        content.Headers.ContentType = new("application/json");
        var response = await _client.PostAsync("/_test/echo", content);
        await response.ShouldBeMatrixErrorAsync(413, ErrorCodes.TooLarge);
    }

    [Fact]
    public async Task Body_at_the_limit_is_accepted()
    {
        var prefix = "{\"a\": \"";
        var suffix = "\"}";
        var filler = new string('x', (int)host.HttpOptions.MaxJsonBodyBytes - prefix.Length - suffix.Length);
        var response = await PostAsync("/_test/echo", prefix + filler + suffix);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Typed_read_binds_snake_case_fields_and_ignores_extra_keys()
    {
        var response = await PostAsync("/_test/typed", """{"name": "n", "count": 3, "note": "x", "org.example.extra": {}}""");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.ReadJsonObjectAsync();
        body["name"]!.GetValue<string>().Should().Be("n");
        body["count"]!.GetValue<int>().Should().Be(3);
        body["note"]!.GetValue<string>().Should().Be("x");
    }

    [Fact]
    public async Task Typed_read_reports_missing_required_fields_as_M_BAD_JSON()
    {
        var body = await (await PostAsync("/_test/typed", """{"name": "n"}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        body["error"]!.GetValue<string>().Should().Contain("count").And.NotContain("TypedRequest");
    }

    [Theory]
    [InlineData("""{"name": "n", "count": "3"}""")]
    [InlineData("""{"name": "n", "count": 3.5}""")]
    [InlineData("""{"name": 5, "count": 3}""")]
    [InlineData("""{"name": null, "count": 3}""")]
    [InlineData("""{"name": "n", "count": 99999999999}""")]
    [InlineData("""{"Name": "n", "count": 3}""")]
    public async Task Typed_read_rejects_wrong_types_and_nulls_as_M_BAD_JSON(string json)
    {
        await (await PostAsync("/_test/typed", json)).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    /// <summary>A request body whose length the client cannot know in advance (sent chunked).</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
