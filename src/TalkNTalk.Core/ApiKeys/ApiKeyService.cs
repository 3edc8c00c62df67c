using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.ApiKeys;

public sealed record ApiKeyView(Guid Id, string Name, string DisplayPrefix, ApiScopes Scopes, string? CreatedBy, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt)
{
    public bool IsActive(DateTime now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>A key that checked out: whose it is and what it may do.</summary>
public sealed record ApiCaller(Guid KeyId, Guid OrganisationId, string TimeZoneId, ApiScopes Scopes, string OrganisationName = "");

/// <summary>Creates, lists and revokes API keys, and recognises a presented key.</summary>
public sealed class ApiKeyService(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock)
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Creates a key and returns it in full: the only time it is ever shown.</summary>
    public async Task<(ApiKeyView Key, string Secret)> CreateAsync(Guid organisationId, string? name, ApiScopes scopes, DateTime? expiresAt, string? createdBy, CancellationToken ct = default)
    {
        var cleanName = name?.Trim() ?? "";
        if (cleanName.Length == 0)
            throw DomainException.Validation("name", "Name the key after the system that will use it, e.g. “Billing server”.");
        if (cleanName.Length > 100)
            throw DomainException.Validation("name", "Keep the name to 100 characters.");
        if (scopes == ApiScopes.None)
            throw DomainException.Validation("scopes", "Give the key at least one permission: read or send.");
        var now = clock.GetUtcNow().UtcDateTime;
        if (expiresAt is { } expiry && expiry <= now)
            throw DomainException.Validation("expiresAt", "The expiry date is in the past: choose a later date, or none.");
        var secret = ApiKey.Prefix + RandomNumberGenerator.GetString(Alphabet, ApiKey.SecretLength);
        var key = new ApiKey
        {
            OrganisationId = organisationId,
            Name = cleanName,
            DisplayPrefix = secret[..(ApiKey.Prefix.Length + 4)],
            Hash = HashOf(secret),
            Scopes = scopes,
            CreatedBy = createdBy,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return (ToView(key), secret);
    }

    /// <summary>Registers a key generated elsewhere (the start-up bootstrap); false when it is already known.</summary>
    public async Task<bool> ImportAsync(Guid organisationId, string name, string secret, CancellationToken ct = default)
    {
        if (!IsWellFormed(secret))
            throw DomainException.Validation("apiKey", "Bootstrap:ApiKey must be tk_live_ followed by 32 letters and digits.");
        var hash = HashOf(secret);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ApiKeys.AnyAsync(k => k.Hash == hash, ct))
            return false;
        db.ApiKeys.Add(new ApiKey
        {
            OrganisationId = organisationId,
            Name = name,
            DisplayPrefix = secret[..(ApiKey.Prefix.Length + 4)],
            Hash = hash,
            Scopes = ApiScopes.Read | ApiScopes.Send,
            CreatedBy = "bootstrap",
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Every key, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(Guid organisationId, CancellationToken ct = default) =>
        (await PageAsync(organisationId, PageRequest.All, ct)).Items;

    /// <summary>A page of keys, newest first unless sorted by name, last use or expiry.</summary>
    public async Task<(IReadOnlyList<ApiKeyView> Items, int Total)> PageAsync(Guid organisationId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ApiKeys.AsNoTracking().Where(k => k.OrganisationId == organisationId);
        var sorted = page.SortBy switch
        {
            nameof(ApiKeyView.Name) => query.OrderBy(k => k.Name.ToUpper(), page.Descending),
            nameof(ApiKeyView.LastUsedAt) => query.OrderBy(k => k.LastUsedAt, page.Descending),
            nameof(ApiKeyView.ExpiresAt) => query.OrderBy(k => k.ExpiresAt, page.Descending),
            nameof(ApiKeyView.CreatedAt) => query.OrderBy(k => k.CreatedAt, page.Descending),
            _ => query.OrderByDescending(k => k.CreatedAt),
        };
        var (keys, total) = await sorted.ThenBy(k => k.Id).ToPageAsync(page, ct);
        return (keys.Select(ToView).ToList(), total);
    }

    public async Task RevokeAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.OrganisationId == organisationId && k.Id == id, ct) ?? throw DomainException.NotFound("API key");
        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The caller behind a presented key, or why it is refused (malformed, unknown, revoked, expired).</summary>
    public async Task<(ApiCaller? Caller, string? Problem)> AuthenticateAsync(string? presented, CancellationToken ct = default)
    {
        if (!IsWellFormed(presented))
            return (null, "The API key is malformed: it should be tk_live_ followed by 32 letters and digits.");
        var hash = HashOf(presented);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Hash == hash, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (key is null)
            return (null, "The API key is not valid.");
        if (key.RevokedAt is not null)
            return (null, "The API key has been revoked.");
        if (key.ExpiresAt <= now)
            return (null, "The API key has expired.");
        // Last use is informational: write it at most once a minute per key, not on every request.
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        var organisation = await db.Organisations.Where(o => o.Id == key.OrganisationId).Select(o => new { o.TimeZoneId, o.Name }).SingleAsync(ct);
        return (new ApiCaller(key.Id, key.OrganisationId, organisation.TimeZoneId, key.Scopes, organisation.Name), null);
    }

    private static bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? key) =>
        key is not null && key.StartsWith(ApiKey.Prefix, StringComparison.Ordinal)
        && key.Length == ApiKey.Prefix.Length + ApiKey.SecretLength && key[ApiKey.Prefix.Length..].All(char.IsAsciiLetterOrDigit);

    // Keys carry 190 bits of randomness, so a plain SHA-256 is enough; no slow password hash is needed.
    private static string HashOf(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static ApiKeyView ToView(ApiKey k) => new(k.Id, k.Name, k.DisplayPrefix, k.Scopes, k.CreatedBy, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt);
}
