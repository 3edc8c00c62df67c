using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Notifications;

namespace TalkNTalk.Core.Providers;

/// <summary>
/// Loads and saves the dashboard's SMS gateway settings (<see cref="GatewaySettings"/>) and makes saved ones the
/// active ones (<see cref="SmsGateway.Apply"/>). What is not editable in the dashboard (timeouts, the circuit, the
/// callback address, Kannel's per-network routes, AT's enqueue) keeps configuration's values.
/// A blank secret on save keeps the stored one (before the first save, configuration's): the form never shows a
/// secret, only whether one is set. Saved settings become the active ones in every instance on the database: the
/// others hear of the save through the backplane and apply what is stored.
/// </summary>
public sealed class GatewaySettingsService
{
    private readonly IDbContextFactory<TalkNTalkDbContext> _dbFactory;
    private readonly IOptions<SmsOptions> _configured;
    private readonly SmsGateway _gateway;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly IDataProtector _protector;
    private readonly Action<string>? _toOtherInstances;
    // One application at a time, so a slower read of older settings never lands after a newer one.
    private readonly SemaphoreSlim _applying = new(1, 1);
    private DateTime? _applied;

    public GatewaySettingsService(IDbContextFactory<TalkNTalkDbContext> dbFactory, IDataProtectionProvider protection, IOptions<SmsOptions> configured,
        SmsGateway gateway, TimeProvider clock, ILogger<GatewaySettingsService> logger, ChangeBackplane? backplane = null)
    {
        _dbFactory = dbFactory;
        _configured = configured;
        _gateway = gateway;
        _clock = clock;
        _logger = logger;
        _protector = protection.CreateProtector("TalkNTalk.SmsGateway.Secrets.v1");
        // Off the listener's thread: reading the settings is a query.
        _toOtherInstances = backplane?.Join("gateway-settings", _ => Task.Run(() => RefreshAsync(always: true)), () => Task.Run(() => RefreshAsync(always: false)));
    }

    /// <summary>The saved settings as options (secrets decrypted), or null when none were saved.</summary>
    public async Task<SmsOptions?> LoadAsync(CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var row = await db.GatewaySettings.AsNoTracking().SingleOrDefaultAsync(ct);
        return row is null ? null : ToOptions(row);
    }

    /// <summary>Validates, stores (a blank secret keeps the stored one) and applies <paramref name="settings"/>.</summary>
    /// <exception cref="DomainException">A field is invalid; nothing was stored.</exception>
    public async Task SaveAsync(SmsOptions settings, string? by = null, CancellationToken ct = default)
    {
        GatewaySettingsRules.Validate(settings);
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var row = await db.GatewaySettings.SingleOrDefaultAsync(ct);
        if (row is null)
            db.GatewaySettings.Add(row = new GatewaySettings());
        row.Provider = settings.Provider;
        row.KannelSendSmsUrl = settings.Kannel.SendSmsUrl.Trim();
        row.KannelUsername = settings.Kannel.Username.Trim();
        row.KannelMessagesPerSecond = settings.Kannel.MessagesPerSecond;
        row.KannelSmsc = string.IsNullOrWhiteSpace(settings.Kannel.Smsc) ? null : settings.Kannel.Smsc.Trim();
        row.KannelPasswordProtected = Keep(settings.Kannel.Password, row.KannelPasswordProtected, _configured.Value.Kannel.Password);
        row.AfricasTalkingBaseUrl = settings.AfricasTalking.BaseUrl.Trim();
        row.AfricasTalkingUsername = settings.AfricasTalking.Username.Trim();
        row.AfricasTalkingMessagesPerSecond = settings.AfricasTalking.MessagesPerSecond;
        row.AfricasTalkingApiKeyProtected = Keep(settings.AfricasTalking.ApiKey, row.AfricasTalkingApiKeyProtected, _configured.Value.AfricasTalking.ApiKey);
        row.UpdatedAt = _clock.GetUtcNow().UtcDateTime;
        row.UpdatedBy = by;
        await db.SaveChangesAsync(ct);
        await _applying.WaitAsync(ct);
        try
        {
            _gateway.Apply(ToOptions(row));
            _applied = row.UpdatedAt;
        }
        finally
        {
            _applying.Release();
        }
        _toOtherInstances?.Invoke("");
    }

    /// <summary>Applies the saved settings, if any, in place of configuration's (at start-up).</summary>
    public Task<bool> ApplyStoredAsync(CancellationToken ct = default) => ApplyStoredAsync(always: true, ct);

    private async Task<bool> ApplyStoredAsync(bool always, CancellationToken ct)
    {
        await _applying.WaitAsync(ct);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            var row = await db.GatewaySettings.AsNoTracking().SingleOrDefaultAsync(ct);
            if (row is null || (!always && row.UpdatedAt == _applied))
                return false;
            _gateway.Apply(ToOptions(row));
            _applied = row.UpdatedAt;
            return true;
        }
        finally
        {
            _applying.Release();
        }
    }

    // Another instance saved (always), or the backplane was away and a save may have gone unheard (only when the
    // stored settings are not the ones applied here: a new lane would reset the circuit for nothing).
    private async Task RefreshAsync(bool always)
    {
        try
        {
            await ApplyStoredAsync(always, CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "SMS gateway: applying the settings another instance saved failed; this instance keeps its current ones");
        }
    }

    private SmsOptions ToOptions(GatewaySettings row)
    {
        var baseline = _configured.Value;
        return new SmsOptions
        {
            Provider = row.Provider,
            CallbackBaseUrl = baseline.CallbackBaseUrl,
            Circuit = baseline.Circuit,
            Kannel = new KannelOptions
            {
                SendSmsUrl = row.KannelSendSmsUrl,
                Username = row.KannelUsername,
                Password = Reveal(row.KannelPasswordProtected),
                MessagesPerSecond = row.KannelMessagesPerSecond,
                Smsc = row.KannelSmsc,
                SmscByNetwork = baseline.Kannel.SmscByNetwork,
                TimeoutSeconds = baseline.Kannel.TimeoutSeconds,
            },
            AfricasTalking = new AfricasTalkingOptions
            {
                BaseUrl = row.AfricasTalkingBaseUrl,
                Username = row.AfricasTalkingUsername,
                ApiKey = Reveal(row.AfricasTalkingApiKeyProtected),
                MessagesPerSecond = row.AfricasTalkingMessagesPerSecond,
                Enqueue = baseline.AfricasTalking.Enqueue,
                TimeoutSeconds = baseline.AfricasTalking.TimeoutSeconds,
            },
        };
    }

    /// <summary>A typed secret replaces the stored one; a blank keeps it (or, before the first save, configuration's).</summary>
    private string? Keep(string? typed, string? stored, string? configuredSecret)
    {
        var secret = !string.IsNullOrEmpty(typed) ? typed : stored is null ? configuredSecret : null;
        return string.IsNullOrEmpty(secret) ? stored : _protector.Protect(secret);
    }

    private string Reveal(string? protectedValue) => string.IsNullOrEmpty(protectedValue) ? "" : _protector.Unprotect(protectedValue);
}
