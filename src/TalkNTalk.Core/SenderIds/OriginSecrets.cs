using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Notifications;

namespace TalkNTalk.Core.SenderIds;

/// <summary>
/// The secrets origins carry (a Telegram bot's token), encrypted with Data Protection like the gateway's passwords, and
/// what a provider needs to send from an origin, read once and cached: providers ask for every message. An origin
/// that changed is forgotten here and, through the backplane, in every other instance on the database.
/// </summary>
public sealed class OriginSecrets
{
    private readonly IDataProtector _protector;
    private readonly IDbContextFactory<TalkNTalkDbContext> _dbFactory;
    private readonly ConcurrentDictionary<(Guid, Channel, string), Origin?> _cache = new();
    private readonly Action<string>? _toOtherInstances;

    public OriginSecrets(IDataProtectionProvider protection, IDbContextFactory<TalkNTalkDbContext> dbFactory, ChangeBackplane? backplane = null)
    {
        _protector = protection.CreateProtector("TalkNTalk.Origins.Secret.v1");
        _dbFactory = dbFactory;
        // After the backplane was away, every origin is read again: one of them may have changed meanwhile.
        _toOtherInstances = backplane?.Join("origin-changed", ForgetHere, _cache.Clear);
    }

    public string Protect(string secret) => _protector.Protect(secret);

    public string Reveal(string protectedSecret) => _protector.Unprotect(protectedSecret);

    /// <summary>What a provider sends from: the origin's provider id and its secret in clear; null when there is no such origin.</summary>
    public async ValueTask<Origin?> FindAsync(Guid organisationId, Channel channel, string name, CancellationToken ct = default)
    {
        var key = (organisationId, channel, name.ToUpperInvariant());
        if (_cache.TryGetValue(key, out var known))
            return known;
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var row = await db.SenderIds.AsNoTracking()
            .Where(s => s.OrganisationId == organisationId && s.Channel == channel && s.NormalizedName == key.Item3)
            .Select(s => new { s.Name, s.ProviderRef, s.Secret })
            .SingleOrDefaultAsync(ct);
        var origin = row is null ? null : new Origin(row.Name, row.ProviderRef, row.Secret is null ? null : TryReveal(row.Secret));
        return _cache[key] = origin;
    }

    // A secret the key ring can no longer read (the keys beside the database were lost or replaced) is as good as none:
    // the provider refuses that origin's messages, rather than the channel's lane counting it as the provider failing.
    private string? TryReveal(string protectedSecret)
    {
        try
        {
            return Reveal(protectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Forgets what was cached of an origin that changed, in every instance.</summary>
    public void Forget(Guid organisationId, Channel channel, string name)
    {
        var key = (organisationId, channel, name.ToUpperInvariant());
        _cache.TryRemove(key, out _);
        _toOtherInstances?.Invoke($"{organisationId}:{channel}:{key.Item3}");
    }

    // The name comes last: it is the one part that could hold a colon.
    private void ForgetHere(string key)
    {
        var parts = key.Split(':', 3);
        _cache.TryRemove((Guid.Parse(parts[0]), Enum.Parse<Channel>(parts[1]), parts[2]), out _);
    }
}

/// <summary>An origin as a provider uses it.</summary>
public sealed record Origin(string Name, string? ProviderRef, string? Secret);
