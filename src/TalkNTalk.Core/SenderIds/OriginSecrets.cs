using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.SenderIds;

/// <summary>
/// The secrets origins carry (a Telegram bot's token), encrypted with Data Protection like the gateway's passwords, and
/// what a provider needs to send from an origin, read once and cached: providers ask for every message.
/// </summary>
public sealed class OriginSecrets(IDataProtectionProvider protection, IDbContextFactory<TalkNTalkDbContext> dbFactory)
{
    private readonly IDataProtector _protector = protection.CreateProtector("TalkNTalk.Origins.Secret.v1");
    private readonly ConcurrentDictionary<(Guid, Channel, string), Origin?> _cache = new();

    public string Protect(string secret) => _protector.Protect(secret);

    public string Reveal(string protectedSecret) => _protector.Unprotect(protectedSecret);

    /// <summary>What a provider sends from: the origin's provider id and its secret in clear; null when there is no such origin.</summary>
    public async ValueTask<Origin?> FindAsync(Guid organisationId, Channel channel, string name, CancellationToken ct = default)
    {
        var key = (organisationId, channel, name.ToUpperInvariant());
        if (_cache.TryGetValue(key, out var known))
            return known;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
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

    /// <summary>Forgets what was cached of an origin that changed.</summary>
    public void Forget(Guid organisationId, Channel channel, string name) => _cache.TryRemove((organisationId, channel, name.ToUpperInvariant()), out _);
}

/// <summary>An origin as a provider uses it.</summary>
public sealed record Origin(string Name, string? ProviderRef, string? Secret);
