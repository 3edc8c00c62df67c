using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.RateLimits;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.RateLimits;

/// <summary>
/// The sliding-window limits on the store the app chooses for its engine (in process on SQLite, in
/// <c>rate_limit_hits</c> on PostgreSQL), and on PostgreSQL the one count that two instances on one database share.
/// </summary>
public sealed class RateLimitStoreTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static async Task<int> GrantedAsync(RateLimitStore store, RateLimit limit, int calls)
    {
        var granted = 0;
        for (var i = 0; i < calls; i++)
            granted += (await store.TakeAsync(limit)).IsGranted ? 1 : 0;
        return granted;
    }

    [Fact]
    public async Task A_limit_takes_its_permits_in_any_window_and_refuses_until_the_oldest_permit_leaves_it()
    {
        await using var app = await TestServices.StartAsync();
        var store = app.Get<RateLimitStore>();
        var limit = new RateLimit("api:send-bulk org-1", 60, Minute);
        Assert.Equal(30, await GrantedAsync(store, limit, 30));
        app.Clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(30, await GrantedAsync(store, limit, 30));

        var refused = await store.TakeAsync(limit);

        // A fixed window would have opened at the minute; the sliding one waits for the first 30 to be a minute old.
        Assert.Equal(new RateLimitDecision(RateLimitOutcome.Refused, TimeSpan.FromSeconds(20), 0), refused);
        Assert.False((await store.TakeAsync(limit, 0)).IsGranted);
        app.Clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(TimeSpan.FromSeconds(1), (await store.TakeAsync(limit)).RetryAfter);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RateLimitDecision.Granted(30), await store.TakeAsync(limit, 0));
        Assert.Equal(30, await GrantedAsync(store, limit, 31));
        Assert.Equal(TimeSpan.FromSeconds(40), (await store.TakeAsync(limit)).RetryAfter);
    }

    [Fact]
    public async Task Each_key_counts_on_its_own_and_a_refusal_of_several_permits_waits_for_room_for_all()
    {
        await using var app = await TestServices.StartAsync();
        var store = app.Get<RateLimitStore>();
        var acme = new RateLimit("api:send acme", 3, Minute);
        var baraka = new RateLimit("api:send baraka", 3, Minute);
        Assert.Equal(RateLimitDecision.Granted(1), await store.TakeAsync(acme, 2));
        app.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(RateLimitDecision.Granted(0), await store.TakeAsync(acme));

        Assert.Equal(3, await GrantedAsync(store, baraka, 3));
        // Two more need the two taken at 0 s to leave; one more only the first of them (both left at 60 s).
        Assert.Equal(TimeSpan.FromSeconds(50), (await store.TakeAsync(acme, 2)).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(50), (await store.TakeAsync(acme, 1)).RetryAfter);
        app.Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(RateLimitDecision.Granted(0), await store.TakeAsync(acme, 2));
        Assert.Equal(TimeSpan.FromSeconds(10), (await store.TakeAsync(acme)).RetryAfter);
    }

    [PostgresFact]
    public async Task Two_instances_on_one_database_allow_60_together_in_a_minute_under_concurrent_calls()
    {
        await using var first = await TestServices.StartAsync();
        await using var second = await TestServices.StartAsync(sharing: first);
        var limit = new RateLimit("api:send-bulk acme", 60, Minute);
        var stores = new[] { first.Get<RateLimitStore>(), second.Get<RateLimitStore>() };

        async Task<int> BurstAsync() => (await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(i => Task.Run(async () => await stores[i % 2].TakeAsync(limit))))).Count(d => d.IsGranted);

        Assert.Equal(60, await BurstAsync());
        await using (var db = first.NewDb())
            Assert.Equal(60, await db.RateLimitHits.CountAsync(h => h.Key == limit.Key));
        // Both instances' clocks move together: a minute later the window is empty again, for both.
        first.Clock.Advance(Minute);
        second.Clock.Advance(Minute);
        Assert.Equal(60, await BurstAsync());
    }

    [PostgresFact]
    public async Task The_window_slides_across_instances_and_each_tells_the_same_retry_after()
    {
        await using var first = await TestServices.StartAsync();
        await using var second = await TestServices.StartAsync(sharing: first);
        var limit = new RateLimit("api:send-bulk acme", 60, Minute);
        void Advance(int seconds)
        {
            first.Clock.Advance(TimeSpan.FromSeconds(seconds));
            second.Clock.Advance(TimeSpan.FromSeconds(seconds));
        }

        Assert.Equal(30, await GrantedAsync(first.Get<RateLimitStore>(), limit, 30));
        Advance(40);
        Assert.Equal(30, await GrantedAsync(second.Get<RateLimitStore>(), limit, 30));

        Assert.Equal(TimeSpan.FromSeconds(20), (await first.Get<RateLimitStore>().TakeAsync(limit)).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(20), (await second.Get<RateLimitStore>().TakeAsync(limit)).RetryAfter);
        Advance(20);
        // The first instance's 30 left the window; the second's stay 40 s more.
        Assert.Equal(30, await GrantedAsync(second.Get<RateLimitStore>(), limit, 31));
        var refused = await first.Get<RateLimitStore>().TakeAsync(limit);
        Assert.Equal((RateLimitOutcome.Refused, TimeSpan.FromSeconds(40)), (refused.Outcome, refused.RetryAfter));
    }

    [PostgresFact]
    public async Task Hits_a_window_can_no_longer_count_are_deleted()
    {
        await using var app = await TestServices.StartAsync();
        var store = app.Get<RateLimitStore>();
        var sendBulk = new RateLimit("api:send-bulk acme", 60, Minute);
        Assert.Equal(7, await GrantedAsync(store, sendBulk, 7));
        app.Clock.Advance(TimeSpan.FromSeconds(90));

        // Another key's hit: the sweep is not the key's own, it clears every key's old hits.
        await store.TakeAsync(new RateLimit("api:send acme", 300, Minute));

        await using var db = app.NewDb();
        Assert.Equal(["api:send acme"], await db.RateLimitHits.Select(h => h.Key).ToListAsync());
    }

    [Fact]
    public async Task On_PostgreSQL_a_database_that_does_not_answer_is_told_apart_from_a_refusal()
    {
        var options = new DbContextOptionsBuilder<TalkNTalkDbContext>();
        // Nothing listens on port 1: the connection is refused at once.
        CoreServiceCollectionExtensions.ConfigureDb(options, DatabaseOptions.Postgres("Host=127.0.0.1;Port=1;Database=talkntalk;Username=talkntalk;Timeout=5"));
        var store = new PostgresRateLimitStore(new PooledDbContextFactory<TalkNTalkDbContext>(options.Options), TimeProvider.System,
            NullLogger<PostgresRateLimitStore>.Instance);

        var decision = await store.TakeAsync(new RateLimit("api:send-bulk acme", 60, Minute));

        Assert.Equal(RateLimitDecision.Unavailable, decision);
        Assert.Null(store.TryTake(new RateLimit("api:send-bulk acme", 60, Minute)));
    }
}
