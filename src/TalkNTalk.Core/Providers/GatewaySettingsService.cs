using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Providers;

/// <summary>
/// Loads and saves the dashboard's SMS gateway settings (<see cref="GatewaySettings"/>) and makes saved ones the
/// active ones (<see cref="SmsGateway.Apply"/>). What is not editable in the dashboard (timeouts, the circuit, the
/// callback address, Kannel's per-network routes, AT's enqueue) keeps configuration's values.
/// A blank secret on save keeps the stored one (before the first save, configuration's): the form never shows a
/// secret, only whether one is set.
/// </summary>
public sealed class GatewaySettingsService(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    IDataProtectionProvider protection,
    IOptions<SmsOptions> configured,
    SmsGateway gateway,
    TimeProvider clock)
{
    private readonly IDataProtector _protector = protection.CreateProtector("TalkNTalk.SmsGateway.Secrets.v1");

    /// <summary>The saved settings as options (secrets decrypted), or null when none were saved.</summary>
    public async Task<SmsOptions?> LoadAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.GatewaySettings.AsNoTracking().SingleOrDefaultAsync(ct);
        return row is null ? null : ToOptions(row);
    }

    /// <summary>Validates, stores (a blank secret keeps the stored one) and applies <paramref name="settings"/>.</summary>
    /// <exception cref="DomainException">A field is invalid; nothing was stored.</exception>
    public async Task SaveAsync(SmsOptions settings, string? by = null, CancellationToken ct = default)
    {
        GatewaySettingsRules.Validate(settings);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.GatewaySettings.SingleOrDefaultAsync(ct);
        if (row is null)
            db.GatewaySettings.Add(row = new GatewaySettings());
        row.Provider = settings.Provider;
        row.KannelSendSmsUrl = settings.Kannel.SendSmsUrl.Trim();
        row.KannelUsername = settings.Kannel.Username.Trim();
        row.KannelMessagesPerSecond = settings.Kannel.MessagesPerSecond;
        row.KannelSmsc = string.IsNullOrWhiteSpace(settings.Kannel.Smsc) ? null : settings.Kannel.Smsc.Trim();
        row.KannelPasswordProtected = Keep(settings.Kannel.Password, row.KannelPasswordProtected, configured.Value.Kannel.Password);
        row.AfricasTalkingBaseUrl = settings.AfricasTalking.BaseUrl.Trim();
        row.AfricasTalkingUsername = settings.AfricasTalking.Username.Trim();
        row.AfricasTalkingMessagesPerSecond = settings.AfricasTalking.MessagesPerSecond;
        row.AfricasTalkingApiKeyProtected = Keep(settings.AfricasTalking.ApiKey, row.AfricasTalkingApiKeyProtected, configured.Value.AfricasTalking.ApiKey);
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        row.UpdatedBy = by;
        await db.SaveChangesAsync(ct);
        gateway.Apply(ToOptions(row));
    }

    /// <summary>Applies the saved settings, if any, in place of configuration's (at start-up).</summary>
    public async Task<bool> ApplyStoredAsync(CancellationToken ct = default)
    {
        if (await LoadAsync(ct) is not { } stored)
            return false;
        gateway.Apply(stored);
        return true;
    }

    private SmsOptions ToOptions(GatewaySettings row)
    {
        var baseline = configured.Value;
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
