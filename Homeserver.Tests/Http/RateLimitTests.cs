using System.Net;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Http.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.Http;

public class RateLimitTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly HomeserverConfig _config = new()
    {
        RcMessage = new RateLimitConfig { PerSecond = 0.5, BurstCount = 2 },
    };

    private RequestRateLimiter CreateLimiter(int maxBuckets = 100_000) =>
        new(_config, _time, NullLogger<RequestRateLimiter>.Instance, maxBuckets);

    [Fact]
    public async Task Exhausted_limit_answers_429_with_retry_after_and_refills_with_time()
    {
        using var host = TestHost.With(c => c.RcMessage = new RateLimitConfig { PerSecond = 0.4, BurstCount = 2 });
        var client = host.CreateClient();

        (await client.GetAsync("/_test/limited")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/_test/limited")).StatusCode.Should().Be(HttpStatusCode.OK);

        var limited = await client.GetAsync("/_test/limited");
        var body = await limited.ShouldBeMatrixErrorAsync(429, ErrorCodes.LimitExceeded);
        body["retry_after_ms"]!.GetValue<long>().Should().Be(2500);
        limited.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(3)); // seconds, rounded up

        host.Time.Advance(TimeSpan.FromMilliseconds(2499));
        (await client.GetAsync("/_test/limited")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        (await client.GetAsync("/_test/limited")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/_test/limited")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public void Buckets_are_independent_per_key_and_per_limit()
    {
        var limiter = CreateLimiter();
        _config.RcRegistration = new RateLimitConfig { PerSecond = 1, BurstCount = 1 };

        limiter.TryAcquire(RateLimitPolicies.Message, "user:@a:x", out _).Should().BeTrue();
        limiter.TryAcquire(RateLimitPolicies.Message, "user:@a:x", out _).Should().BeTrue();
        limiter.TryAcquire(RateLimitPolicies.Message, "user:@a:x", out var retryAfter).Should().BeFalse();
        retryAfter.Should().Be(TimeSpan.FromSeconds(2));

        limiter.TryAcquire(RateLimitPolicies.Message, "user:@b:x", out _).Should().BeTrue();
        limiter.TryAcquire(RateLimitPolicies.Registration, "user:@a:x", out _).Should().BeTrue();
    }

    [Fact]
    public void Refill_never_exceeds_the_burst_count()
    {
        var limiter = CreateLimiter();
        limiter.TryAcquire(RateLimitPolicies.Message, "k", out _).Should().BeTrue();
        _time.Advance(TimeSpan.FromHours(1));

        limiter.TryAcquire(RateLimitPolicies.Message, "k", out _).Should().BeTrue();
        limiter.TryAcquire(RateLimitPolicies.Message, "k", out _).Should().BeTrue();
        limiter.TryAcquire(RateLimitPolicies.Message, "k", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 0)]
    public void A_limit_with_no_rate_or_no_burst_is_disabled(double perSecond, int burstCount)
    {
        _config.RcMessage = new RateLimitConfig { PerSecond = perSecond, BurstCount = burstCount };
        var limiter = CreateLimiter();
        for (var i = 0; i < 100; i++)
            limiter.TryAcquire(RateLimitPolicies.Message, "k", out _).Should().BeTrue();
        limiter.BucketCount.Should().Be(0);
    }

    [Fact]
    public void Acquire_throws_M_LIMIT_EXCEEDED_with_retry_after()
    {
        var limiter = CreateLimiter();
        limiter.Acquire(RateLimitPolicies.Message, "k");
        limiter.Acquire(RateLimitPolicies.Message, "k");
        var act = () => limiter.Acquire(RateLimitPolicies.Message, "k");
        var error = act.Should().Throw<MatrixException>().Which;
        error.StatusCode.Should().Be(429);
        error.ErrorCode.Should().Be(ErrorCodes.LimitExceeded);
        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(2));
        error.ToJson()["retry_after_ms"]!.GetValue<long>().Should().Be(2000);
    }

    [Fact]
    public void Refilled_buckets_are_evicted_after_the_sweep_interval()
    {
        var limiter = CreateLimiter();
        for (var i = 0; i < 50; i++)
            limiter.TryAcquire(RateLimitPolicies.Message, $"ip:10.0.0.{i}", out _);
        limiter.BucketCount.Should().Be(50);

        _time.Advance(TimeSpan.FromMinutes(1));
        limiter.TryAcquire(RateLimitPolicies.Message, "ip:10.0.1.1", out _);
        limiter.BucketCount.Should().Be(1, "after a minute every old bucket has refilled and was dropped");
    }

    [Fact]
    public void Active_buckets_survive_a_sweep()
    {
        var limiter = CreateLimiter();
        limiter.TryAcquire(RateLimitPolicies.Message, "busy", out _);
        limiter.TryAcquire(RateLimitPolicies.Message, "busy", out _);
        _time.Advance(TimeSpan.FromSeconds(59));
        limiter.TryAcquire(RateLimitPolicies.Message, "busy", out _).Should().BeTrue(); // refilled
        limiter.TryAcquire(RateLimitPolicies.Message, "busy", out _).Should().BeTrue();
        _time.Advance(TimeSpan.FromSeconds(1)); // sweep due; "busy" holds 0.5 tokens, not full

        limiter.TryAcquire(RateLimitPolicies.Message, "other", out _);
        limiter.BucketCount.Should().Be(2);
        limiter.TryAcquire(RateLimitPolicies.Message, "busy", out _).Should().BeFalse("the sweep must not have reset it");
    }

    [Fact]
    public void Bucket_count_stays_bounded_under_many_keys()
    {
        var limiter = CreateLimiter(maxBuckets: 100);
        for (var i = 0; i < 1000; i++)
        {
            limiter.TryAcquire(RateLimitPolicies.Message, $"ip:{i}", out _);
            limiter.TryAcquire(RateLimitPolicies.Message, $"ip:{i}", out _);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
        limiter.BucketCount.Should().BeLessThanOrEqualTo(101);
    }

    [Fact]
    public async Task Filter_keys_by_authenticated_user_else_by_client_address()
    {
        var limiter = CreateLimiter();
        var services = new ServiceCollection().AddSingleton(limiter).BuildServiceProvider();
        var filter = new RateLimitFilter(RateLimitPolicies.Message);
        var calls = 0;
        EndpointFilterDelegate handler = _ => { calls++; return ValueTask.FromResult<object?>("ok"); };

        HttpContext Anonymous()
        {
            var context = new DefaultHttpContext { RequestServices = services };
            context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("192.0.2.7");
            return context;
        }
        HttpContext AsUser()
        {
            var context = Anonymous();
            context.SetRequestUser(new RequestUser("@erin:test.example", "DEV", false));
            return context;
        }

        await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(Anonymous()), handler);
        await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(Anonymous()), handler);
        var anonymousAgain = () => filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(Anonymous()), handler).AsTask();
        await anonymousAgain.Should().ThrowAsync<MatrixException>();

        // Same address, but authenticated: the user's own bucket.
        await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(AsUser()), handler);
        calls.Should().Be(3);
        RequestRateLimiter.KeyFor(AsUser()).Should().Be("user:@erin:test.example");
        RequestRateLimiter.KeyFor(Anonymous()).Should().Be("ip:192.0.2.7");
    }
}
