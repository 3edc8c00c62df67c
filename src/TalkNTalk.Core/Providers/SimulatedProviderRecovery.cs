using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;

namespace TalkNTalk.Core.Providers;

/// <summary>
/// At start, has the simulator send the delivery reports it owed when the last process stopped, as a real network
/// would once we are back: the simulator lives in our process, so its timers die with it.
/// </summary>
public sealed class SimulatedProviderRecovery(IDbContextFactory<TalkNTalkDbContext> dbFactory, ChannelGateways gateways, DatabaseReadiness readiness,
    ILogger<SimulatedProviderRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        await readiness.WaitAsync(cancellationToken);
        await ResendOwedReportsAsync(cancellationToken);
    }

    public async Task ResendOwedReportsAsync(CancellationToken cancellationToken)
    {
        foreach (var channel in gateways.Channels)
        {
            if (gateways.For(channel)?.Provider is not SimulatedSmsProvider simulator)
                continue;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var waiting = await db.Messages
                .Where(m => m.Channel == channel && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.Unknown || m.Status == MessageStatus.Submitting))
                .Select(m => new { m.Id, m.Status })
                .ToListAsync(cancellationToken);
            var sent = await simulator.ResendOwedReportsAsync(waiting.Select(w => (w.Id, w.Status != MessageStatus.Sent)), cancellationToken);
            if (sent > 0)
                logger.LogInformation("The simulated {Channel} provider sent again the {Count} delivery report(s) it owed", channel.ToDisplayName(), sent);
        }
    }
}
