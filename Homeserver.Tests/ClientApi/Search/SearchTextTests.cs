using System.Text.Json.Nodes;
using Homeserver.Search;

namespace Homeserver.Tests.ClientApi.Search;

/// <summary>What text an event gives the index, and which words a search term becomes.</summary>
public class SearchTextTests
{
    private static JsonObject Content(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Takes_the_body_of_messages_the_name_of_names_and_both_topic_texts_of_topics()
    {
        SearchKeys.Extract("m.room.message", null, Content("""{"body":"hello"}""")).Should().Be(("content.body", "hello"));
        SearchKeys.Extract("m.room.name", "", Content("""{"name":"Room"}""")).Should().Be(("content.name", "Room"));
        SearchKeys.Extract("m.room.topic", "", Content("""
            {"topic":"Plain","m.topic":{"m.text":[{"mimetype":"text/html","body":"<b>Rich</b>"},{"body":"Default plain"},{"mimetype":"text/plain","body":"Plain"}]}}
            """)).Should().Be(("content.topic", "Plain\nDefault plain"));
        SearchKeys.Extract("m.room.topic", "", Content("""{"m.topic":{"m.text":[{"body":"Only rich"}]}}""")).Should().Be(("content.topic", "Only rich"));
    }

    [Fact]
    public void Gives_nothing_for_other_types_wrong_state_keys_non_strings_and_blank_text()
    {
        SearchKeys.Extract("m.room.encrypted", null, Content("""{"body":"x"}""")).Should().BeNull();
        SearchKeys.Extract("m.room.message", "", Content("""{"body":"state message"}""")).Should().BeNull();
        SearchKeys.Extract("m.room.name", "other", Content("""{"name":"x"}""")).Should().BeNull();
        SearchKeys.Extract("m.room.message", null, Content("""{"body":5}""")).Should().BeNull();
        SearchKeys.Extract("m.room.message", null, Content("""{"body":"  "}""")).Should().BeNull();
        SearchKeys.Extract("m.room.topic", "", Content("""{"m.topic":"not an object"}""")).Should().BeNull();
        SearchKeys.Extract("m.room.message", null, null).Should().BeNull();
        SearchKeys.Extract("m.room.message", null, Content($$"""{"body":"{{new string('a', 70_000)}}"}"""))!.Value.Value
            .Should().HaveLength(SearchKeys.MaxValueLength);
    }

    [Fact]
    public void Splits_a_term_into_lower_case_words_of_letters_and_digits()
    {
        SearchTerms.Split("Martians AND \"men\" OR-martians* 42 café").Should().Equal("martians", "and", "men", "or", "42", "café");
        SearchTerms.Split("\"*:&|!()").Should().BeEmpty();
        SearchTerms.Split(string.Join(' ', Enumerable.Range(0, 100).Select(i => $"w{i}"))).Should().HaveCount(32);
    }
}
