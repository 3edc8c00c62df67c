using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;

namespace TalkNTalk.Core.Instances;

/// <summary>Section <c>Instances</c>: how often an instance says it is alive, and how long after its last word it counts as dead.</summary>
public sealed class InstanceOptions
{
    public int HeartbeatSeconds { get; set; } = 2;

    /// <summary>An instance on another machine silent this long is dead: another takes over its claims.</summary>
    public int LeaseSeconds { get; set; } = 15;
}

/// <summary>
/// This process among the app instances on the database (<see cref="AppInstance"/>). The dispatcher registers it
/// before its first claim, beats every <see cref="InstanceOptions.HeartbeatSeconds"/>, takes over the claims of dead
/// instances, and leaves when it stops. An instance is dead when it has not beaten for the lease, or, on this
/// machine, at once when its process is gone: so a restart on one machine (SQLite's only case) recovers at once, and
/// a machine that vanishes is taken over after the lease.
/// </summary>
public sealed class InstanceRegistry(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock, IOptions<InstanceOptions> options,
    ILogger<InstanceRegistry> logger)
{
    public Guid Id { get; } = Guid.NewGuid();

    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public TimeSpan Heartbeat => TimeSpan.FromSeconds(Math.Max(1, options.Value.HeartbeatSeconds));

    /// <summary>Adds or refreshes this instance's row: its claims are its own from now on.</summary>
    public async Task BeatAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.AppInstances.Where(i => i.Id == Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.SeenAt, now), ct) > 0)
            return;
        db.AppInstances.Add(new AppInstance { Id = Id, Name = Name, StartedAt = now, SeenAt = now });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Takes over what dead instances left: a message one was handing over (<c>Submitting</c>) may be with the provider,
    /// so it becomes <c>Unknown</c> (its delivery report or an admin settles it); a queued one it had claimed is free
    /// again (the claim itself also passes over claims of instances that are gone). A claim belongs to a dead instance
    /// when it names none that is alive (its row timed out, its process on this machine is gone, or it has no row).
    /// <paramref name="atStart"/> also frees queued claims and claims that name no instance (left by a release before
    /// instances), which means reading the whole queue: once, when the dispatcher starts. Returns how many messages
    /// became unknown, and their campaigns.
    /// </summary>
    public async Task<TakeOver> TakeOverAsync(bool atStart, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var others = await db.AppInstances.AsNoTracking().Where(i => i.Id != Id).ToListAsync(ct);
        var dead = others.Where(i => IsDead(i, now)).ToList();
        // Dead rows go first; liveness is then read in the statements themselves, so an instance that registers
        // meanwhile keeps its claims.
        if (dead.Count > 0)
        {
            var ids = dead.Select(i => i.Id).ToList();
            await db.AppInstances.Where(i => ids.Contains(i.Id)).ExecuteDeleteAsync(ct);
            foreach (var instance in dead)
                logger.LogWarning("Instance {Name} (started {Started:u}) stopped answering at {Seen:u}: its claims are taken over",
                    instance.Name, instance.StartedAt, instance.SeenAt);
        }
        var strandedMessages = db.Messages.Where(m => m.Status == MessageStatus.Submitting
            && (m.ClaimedBy == null ? atStart : m.ClaimedBy != Id && !db.AppInstances.Any(i => i.Id == m.ClaimedBy)));
        // Their campaigns are counted again by the caller: one whose last part this was is complete now.
        var campaigns = (await strandedMessages.Select(m => new { m.OrganisationId, m.CampaignId }).Distinct().ToListAsync(ct))
            .Select(c => (c.OrganisationId, c.CampaignId)).ToHashSet();
        var stranded = await strandedMessages
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Unknown).SetProperty(m => m.ClaimedAt, (DateTime?)null)
                .SetProperty(m => m.UpdatedAt, now), ct);
        if (atStart)
            await db.Messages.Where(m => m.Status == MessageStatus.Queued && m.ClaimedAt != null
                    && (m.ClaimedBy == null || (m.ClaimedBy != Id && !db.AppInstances.Any(i => i.Id == m.ClaimedBy))))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedAt, (DateTime?)null), ct);
        return new TakeOver(stranded, campaigns);
    }

    /// <summary>On a clean stop: gives back the queued messages this instance claimed and never handed over, and leaves.</summary>
    public async Task LeaveAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Messages.Where(m => m.ClaimedBy == Id && m.Status == MessageStatus.Queued && m.ClaimedAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedAt, (DateTime?)null), ct);
        await db.AppInstances.Where(i => i.Id == Id).ExecuteDeleteAsync(ct);
    }

    private bool IsDead(AppInstance instance, DateTime now)
    {
        if (instance.SeenAt < now - TimeSpan.FromSeconds(Math.Max(1, options.Value.LeaseSeconds)))
            return true;
        // On this machine a process that is gone is dead now (a process id may be reused: then the lease decides).
        var parts = instance.Name.Split(':');
        if (parts.Length != 2 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid))
            return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
    }
}

/// <summary>What a takeover did: how many messages became unknown, and the campaigns (organisation, campaign) they belong to.</summary>
public sealed record TakeOver(int Stranded, HashSet<(Guid Organisation, Guid Campaign)> Campaigns);
