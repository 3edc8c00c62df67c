using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Tests.Infrastructure;
using static TalkNTalk.Core.Tests.Dispatch.DispatcherTests;

namespace TalkNTalk.Core.Tests.Dispatch;

/// <summary>
/// Two app instances on one database (on PostgreSQL their claims lock and skip; the same rules hold on SQLite): each
/// sends what it claimed, never what the other holds, and when one dies the other takes over its claims.
/// </summary>
public sealed class InstanceTakeoverTests
{
    [Fact]
    public async Task The_survivor_leaves_a_live_instances_part_alone_then_takes_it_over_after_the_lease_and_nothing_goes_twice()
    {
        var log = Path.GetTempFileName();
        var settings = new Dictionary<string, string?>(FastProvider)
        {
            ["SimulatedProvider:Deduplicates"] = "false",
            ["SimulatedProvider:SubmissionLog"] = log,
        };
        await using var a = await TestServices.StartAsync(settings);
        await using var b = await TestServices.StartAsync(settings, sharing: a);
        var org = await a.CreateOrganisationAsync(credit: 500m);
        await SendAsync(a, org, 120);

        // Instance A registers, claims a part of 40 and dies after its provider took 25 of them.
        var providerA = a.Get<SimulatedSmsProvider>();
        var dying = NewDispatcher(a, new DieAfter(providerA, 25));
        await dying.RecoverAsync();
        _ = dying.RunOnceAsync();
        await WaitUntilAsync(() => providerA.Submissions.Count >= 25);

        // Instance B starts while A's heartbeat is fresh: it sends everything but A's part.
        var providerB = b.Get<SimulatedSmsProvider>();
        var instanceB = NewInstance(b);
        var survivor = NewDispatcher(b, providerB, instance: instanceB);
        await survivor.RecoverAsync();
        await RunUntilIdleAsync(survivor);
        Assert.Equal(120 - 40, providerB.Submissions.Count);
        List<Guid> partOfA;
        await using (var db = b.NewDb())
            partOfA = await db.Messages.Where(m => m.Status == MessageStatus.Submitting).Select(m => m.Id).ToListAsync();
        Assert.Equal(40, partOfA.Count);

        // A stays silent past the lease: B takes over. A's part may be with the provider, so it becomes unknown.
        b.Clock.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(40, (await instanceB.TakeOverAsync(atStart: false)).Stranded);
        await RunUntilIdleAsync(survivor);

        var received = File.ReadAllLines(log).Select(l => l.Split(' ')).ToDictionary(p => Guid.Parse(p[0]), p => p[1]); // a repeat would throw
        Assert.Equal(120 - 15, received.Count);
        await using var after = b.NewDb();
        // Unknown: those of A's part the network never accepted (what it accepted, its reports settled).
        Assert.Equal(partOfA.Where(id => received.GetValueOrDefault(id) != "accepted").Order(),
            (await after.Messages.Where(m => m.Status == MessageStatus.Unknown).Select(m => m.Id).ToListAsync()).Order());
        Assert.Equal(0, await after.Messages.CountAsync(m => m.Status == MessageStatus.Queued || m.Status == MessageStatus.Submitting));
        Assert.Equal(CampaignStatus.Completed, (await after.Campaigns.SingleAsync()).Status);
        Assert.Equal([instanceB.Id], await after.AppInstances.Select(i => i.Id).ToListAsync());
        // The unknown ones keep their credit reserved; the rest is charged or refunded exactly.
        var messages = await after.Messages.ToListAsync();
        var charged = messages.Where(m => m.Status is MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Undelivered).Sum(m => m.Cost);
        var unknown = messages.Where(m => m.Status == MessageStatus.Unknown).Sum(m => m.Cost);
        var wallet = await after.Wallets.SingleAsync();
        Assert.Equal((500m - charged - unknown, unknown), (wallet.Available, wallet.Reserved));
        File.Delete(log);
    }

    [Fact]
    public async Task Taking_over_a_campaigns_last_part_completes_the_campaign()
    {
        var settings = new Dictionary<string, string?>(FastProvider) { ["SimulatedProvider:Deduplicates"] = "false" };
        await using var services = await TestServices.StartAsync(settings);
        var org = await services.CreateOrganisationAsync(credit: 100m);
        await SendAsync(services, org, 20);

        // An instance claims the whole campaign as one part and dies before handing any of it over.
        var provider = services.Get<SimulatedSmsProvider>();
        _ = NewDispatcher(services, new DieAfter(provider, 0)).RunOnceAsync();
        await WaitUntilAsync(() =>
        {
            using var db = services.NewDb();
            return db.Messages.Count(m => m.Status == MessageStatus.Submitting) == 20;
        });

        await NewDispatcher(services, provider).RecoverAsync();

        await using var after = services.NewDb();
        Assert.Equal(20, await after.Messages.CountAsync(m => m.Status == MessageStatus.Unknown));
        Assert.Equal(CampaignStatus.Completed, (await after.Campaigns.SingleAsync()).Status);
    }
}
