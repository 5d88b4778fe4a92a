using Homeserver.Search;

namespace Homeserver.Tests.Search;

/// <summary>A waiting search asks the indexer for its pass now instead of after its deferral.</summary>
public class SearchIndexProgressTests
{
    [Fact]
    public async Task A_search_waiting_for_an_unreached_position_completes_the_demand()
    {
        var progress = new SearchIndexProgress();
        progress.Reached(10);
        var demand = progress.NextDemand();

        await progress.WaitForAsync(10, TimeSpan.FromSeconds(5), CancellationToken.None);
        demand.IsCompleted.Should().BeFalse("the index has reached that position: nothing to hurry");

        var waiting = progress.WaitForAsync(11, TimeSpan.FromSeconds(5), CancellationToken.None);
        await demand.WaitAsync(TimeSpan.FromSeconds(5));
        waiting.IsCompleted.Should().BeFalse();

        progress.Reached(11);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Each_pass_takes_a_new_demand()
    {
        var progress = new SearchIndexProgress();
        var first = progress.NextDemand();
        _ = progress.WaitForAsync(1, TimeSpan.FromSeconds(5), CancellationToken.None);
        first.IsCompleted.Should().BeTrue();

        progress.NextDemand().IsCompleted.Should().BeFalse();
    }
}
