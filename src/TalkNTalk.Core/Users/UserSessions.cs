using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Notifications;

namespace TalkNTalk.Core.Users;

/// <summary>A signed-in session as its owner sees it in the list of their sessions.</summary>
public sealed record SessionView(Guid Id, string Device, string? IpAddress, DateTime CreatedAt, DateTime LastSeenAt);

/// <summary>Tells live circuits of a session that it ended, so an open tab signs out at once (keyed by session id).</summary>
public sealed class SessionNotifier(TimeProvider time, Microsoft.Extensions.Logging.ILogger<SessionNotifier> logger) : ChangeNotifier<Guid>(time, logger);

/// <summary>
/// The server-side record of sign-in sessions (<see cref="UserSession"/>). Every cookie request asks
/// <see cref="IsActiveAsync"/>; a positive answer is cached for <see cref="CacheFor"/>, so a busy browser costs one
/// look-up every few seconds, and ending a session drops it from the cache at once and signs its circuits out
/// (<see cref="SessionNotifier"/>), in this process and, through the backplane, in every other instance on the database.
/// </summary>
public sealed class UserSessions
{
    /// <summary>A session unseen for this long is over (the sign-in cookie's own sliding lifetime is the same).</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(12);

    /// <summary>How long a confirmed session is trusted without asking the database again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);
    private readonly IDbContextFactory<TalkNTalkDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly SessionNotifier _notifier;
    private readonly ConcurrentDictionary<Guid, (string UserId, DateTimeOffset Until)> _confirmed = new();
    private readonly Action<string>? _toOtherInstances;
    private long _nextSweepTicks;

    public UserSessions(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock, SessionNotifier notifier, ChangeBackplane? backplane = null)
    {
        _dbFactory = dbFactory;
        _clock = clock;
        _notifier = notifier;
        // After the backplane was away, confirmations are asked again rather than trusted (circuits re-check within a minute).
        _toOtherInstances = backplane?.Join("session-ended", id => ForgetHere(Guid.Parse(id)), _confirmed.Clear);
    }

    /// <summary>Records a new session for a user who just signed in and returns its id (for the cookie).</summary>
    public async Task<Guid> StartAsync(string userId, string? userAgent, string? ipAddress, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var expired = now - IdleLifetime;
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        // Sessions whose cookies have run out are of no use to anyone: tidy the user's list as they sign in.
        await db.UserSessions.Where(s => s.UserId == userId && s.LastSeenAt < expired).ExecuteDeleteAsync(ct);
        var session = new UserSession
        {
            UserId = userId,
            CreatedAt = now,
            LastSeenAt = now,
            UserAgent = Shorten(userAgent, UserSession.MaxUserAgentLength),
            IpAddress = Shorten(ipAddress, UserSession.MaxAddressLength),
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return session.Id;
    }

    /// <summary>
    /// True while the session exists, belongs to the user and was seen within <see cref="IdleLifetime"/>. Notes the
    /// visit (time, address, browser) at most once a minute.
    /// </summary>
    public async Task<bool> IsActiveAsync(Guid sessionId, string userId, string? userAgent = null, string? ipAddress = null, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow();
        if (_confirmed.TryGetValue(sessionId, out var confirmed) && confirmed.UserId == userId && confirmed.Until > now)
            return true;
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var session = await db.UserSessions.SingleOrDefaultAsync(s => s.Id == sessionId && s.UserId == userId, ct);
        if (session is null || session.LastSeenAt < now.UtcDateTime - IdleLifetime)
        {
            _confirmed.TryRemove(sessionId, out _);
            return false;
        }
        if (now.UtcDateTime - session.LastSeenAt >= TouchEvery)
        {
            session.LastSeenAt = now.UtcDateTime;
            session.UserAgent = Shorten(userAgent, UserSession.MaxUserAgentLength) ?? session.UserAgent;
            session.IpAddress = Shorten(ipAddress, UserSession.MaxAddressLength) ?? session.IpAddress;
            await db.SaveChangesAsync(ct);
        }
        Sweep(now);
        _confirmed[sessionId] = (userId, now + CacheFor);
        return true;
    }

    /// <summary>The user's live sessions, most recently seen first.</summary>
    public async Task<IReadOnlyList<SessionView>> ListAsync(string userId, CancellationToken ct = default)
    {
        var since = _clock.GetUtcNow().UtcDateTime - IdleLifetime;
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var rows = await db.UserSessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.LastSeenAt >= since)
            .OrderByDescending(s => s.LastSeenAt)
            .ToListAsync(ct);
        return rows.Select(s => new SessionView(s.Id, BrowserNames.Describe(s.UserAgent), s.IpAddress, s.CreatedAt, s.LastSeenAt)).ToList();
    }

    /// <summary>Ends one of the user's sessions (signing out, or ending it from another browser). Another user's is "not found".</summary>
    public async Task EndAsync(string userId, Guid sessionId, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var deleted = await db.UserSessions.Where(s => s.Id == sessionId && s.UserId == userId).ExecuteDeleteAsync(ct);
        Forget([sessionId]);
        if (deleted == 0)
            throw DomainException.NotFound("Session");
    }

    /// <summary>Ends every session of the user except <paramref name="keep"/> (the browser that asked); returns how many ended.</summary>
    public async Task<int> EndAllAsync(string userId, Guid? keep = null, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var ids = await db.UserSessions.Where(s => s.UserId == userId && s.Id != keep).Select(s => s.Id).ToListAsync(ct);
        if (ids.Count == 0)
            return 0;
        await db.UserSessions.Where(s => ids.Contains(s.Id)).ExecuteDeleteAsync(ct);
        Forget(ids);
        return ids.Count;
    }

    private void Forget(IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
        {
            ForgetHere(id);
            _toOtherInstances?.Invoke(id.ToString());
        }
    }

    private void ForgetHere(Guid id)
    {
        _confirmed.TryRemove(id, out _);
        _notifier.Publish(id);
    }

    // Drops cache entries of sessions nobody used lately, at most once a minute.
    private void Sweep(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweepTicks, (now + TouchEvery).UtcTicks, next) != next)
            return;
        foreach (var (id, confirmed) in _confirmed)
            if (confirmed.Until <= now)
                _confirmed.TryRemove(id, out _);
    }

    private static string? Shorten(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length <= max ? value : value[..max];
}

/// <summary>"Chrome on Windows" from a User-Agent string: enough for a person to recognise their own browsers.</summary>
public static class BrowserNames
{
    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
            return "Unknown browser";
        var ua = userAgent;
        // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
        var browser = ua.Contains("Edg/") ? "Edge"
            : ua.Contains("OPR/") ? "Opera"
            : ua.Contains("Firefox/") ? "Firefox"
            : ua.Contains("Chrome/") || ua.Contains("Chromium/") || ua.Contains("HeadlessChrome/") ? "Chrome"
            : ua.Contains("Safari/") ? "Safari"
            : "Unknown browser";
        var system = ua.Contains("Android") ? "Android"
            : ua.Contains("iPhone") || ua.Contains("iPad") ? "iOS"
            : ua.Contains("Windows") ? "Windows"
            : ua.Contains("Mac OS X") || ua.Contains("Macintosh") ? "macOS"
            : ua.Contains("CrOS") ? "ChromeOS"
            : ua.Contains("Linux") ? "Linux"
            : null;
        return system is null ? browser : $"{browser} on {system}";
    }
}
