using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.SenderIds;

/// <param name="ProviderRef">The provider's id for the origin (a WhatsApp number's phone-number id).</param>
/// <param name="HasSecret">Whether a secret (a bot token) is stored; the secret itself is never shown again.</param>
/// <param name="AwaitingVerification">An e-mail sender whose link has not been followed yet.</param>
public sealed record SenderIdView(Guid Id, string Name, SenderIdCategory Category, SenderIdStatus Status, bool IsDefault, DateTime CreatedAt,
    DateTime? DecidedAt, string? DecidedBy, Channel Channel = Channel.Sms, string? ProviderRef = null, bool HasSecret = false,
    bool AwaitingVerification = false);

/// <summary>What registering an origin asks for; <see cref="Category"/> is SMS's, the rest depend on the channel.</summary>
/// <param name="ProviderRef">WhatsApp: the Cloud API's phone-number id of the business number.</param>
/// <param name="Secret">Telegram: the bot's token from BotFather.</param>
public sealed record OriginRequest(Channel Channel, string? Name, SenderIdCategory Category = SenderIdCategory.Transactional,
    string? ProviderRef = null, string? Secret = null);

/// <summary>Sends an e-mail sender the link that verifies it (<see cref="SenderIdService.VerifyAsync"/>).</summary>
public interface IOriginVerificationSender
{
    /// <summary>Sends <paramref name="token"/> (to put in the link) to the address <paramref name="origin"/> names.</summary>
    Task SendAsync(SenderIdView origin, string token, CancellationToken ct);
}

/// <summary>
/// Registers the origins campaigns go out from, on every channel, and keeps their rules: unique per channel in the
/// organisation, each channel's format, only approved ones send, one approved default per channel. SMS sender IDs and
/// WhatsApp numbers are approved by an admin once the operator (or Meta) has; Telegram bots and the Slack workspace are
/// the admin's own and approved at once; an e-mail sender is approved by following the link sent to it.
/// </summary>
public sealed partial class SenderIdService(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    TimeProvider clock,
    OriginSecrets secrets,
    IOriginVerificationSender verification)
{
    /// <summary>Every origin of the organisation (of one channel, when given), default first, then by name.</summary>
    public async Task<IReadOnlyList<SenderIdView>> ListAsync(Guid organisationId, CancellationToken ct = default) =>
        (await PageAsync(organisationId, PageRequest.All, null, ct)).Items;

    /// <summary>The origins of one channel, default first, then by name.</summary>
    public async Task<IReadOnlyList<SenderIdView>> ListAsync(Guid organisationId, Channel channel, CancellationToken ct = default) =>
        (await PageAsync(organisationId, PageRequest.All, channel, ct)).Items;

    /// <summary>A page of origins: by channel, default first, then by name, unless sorted by name, category, status or registration.</summary>
    public async Task<(IReadOnlyList<SenderIdView> Items, int Total)> PageAsync(Guid organisationId, PageRequest page, Channel? channel = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.SenderIds.AsNoTracking().Where(s => s.OrganisationId == organisationId);
        if (channel is { } only)
            query = query.Where(s => s.Channel == only);
        var sorted = page.SortBy switch
        {
            nameof(SenderIdView.Name) => query.OrderBy(s => s.NormalizedName, page.Descending),
            nameof(SenderIdView.Channel) => query.OrderBy(ChannelOrder, page.Descending).ThenByDescending(s => s.IsDefault).ThenBy(s => s.NormalizedName),
            nameof(SenderIdView.Category) => query.OrderBy(s => s.Category, page.Descending).ThenBy(s => s.NormalizedName),
            nameof(SenderIdView.Status) => query.OrderBy(s => s.Status, page.Descending).ThenBy(s => s.NormalizedName),
            nameof(SenderIdView.CreatedAt) => query.OrderBy(s => s.CreatedAt, page.Descending),
            _ => query.OrderBy(ChannelOrder).ThenByDescending(s => s.IsDefault).ThenBy(s => s.NormalizedName),
        };
        var (rows, total) = await sorted.ThenBy(s => s.Id).ToPageAsync(page, ct);
        return (rows.Select(ToView).ToList(), total);
    }

    // Channels in their own order (SMS first), not their stored names' alphabetical one.
    private static readonly System.Linq.Expressions.Expression<Func<SenderId, int>> ChannelOrder = s =>
        s.Channel == Channel.Sms ? 0 : s.Channel == Channel.WhatsApp ? 1 : s.Channel == Channel.Telegram ? 2 : s.Channel == Channel.Email ? 3 : 4;

    /// <summary>Registers a new SMS sender ID as pending; an admin approves it once the operator has.</summary>
    public Task<SenderIdView> RegisterAsync(Guid organisationId, string? name, SenderIdCategory category, CancellationToken ct = default) =>
        RegisterAsync(organisationId, new OriginRequest(Channel.Sms, name, category), ct);

    /// <summary>
    /// Registers an origin on its channel. SMS and WhatsApp start pending (an admin approves them), Telegram and Slack
    /// approved, e-mail pending until the link sent to the address is followed. The first approved origin of a channel
    /// becomes its default.
    /// </summary>
    public async Task<SenderIdView> RegisterAsync(Guid organisationId, OriginRequest request, CancellationToken ct = default)
    {
        var (name, providerRef, secret) = ValidateOrigin(request);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = name.ToUpperInvariant();
        if (await db.SenderIds.AnyAsync(s => s.OrganisationId == organisationId && s.Channel == request.Channel && s.NormalizedName == normalized, ct))
            throw DomainException.Validation("name", $"{OriginNoun(request.Channel)} '{name}' is already registered.");
        if (providerRef is not null && await db.SenderIds.AnyAsync(s => s.Channel == request.Channel && s.ProviderRef == providerRef, ct))
            throw DomainException.Validation("providerRef", $"Phone-number ID {providerRef} is already registered, here or by another organisation on this installation: check it in Meta's WhatsApp Manager.");
        var approvedAtOnce = request.Channel is Channel.Telegram or Channel.Slack;
        string? token = null;
        var sender = new SenderId
        {
            OrganisationId = organisationId,
            Channel = request.Channel,
            Name = name,
            NormalizedName = normalized,
            Category = request.Channel == Channel.Sms ? request.Category : SenderIdCategory.Transactional,
            Status = approvedAtOnce ? SenderIdStatus.Approved : SenderIdStatus.Pending,
            ProviderRef = providerRef,
            Secret = secret is null ? null : secrets.Protect(secret),
            CreatedAt = now,
            DecidedAt = approvedAtOnce ? now : null,
        };
        if (request.Channel == Channel.Email)
            (token, sender.VerificationTokenHash, sender.VerificationSentAt) = NewToken(now);
        if (approvedAtOnce && !await db.SenderIds.AnyAsync(s => s.OrganisationId == organisationId && s.Channel == request.Channel && s.IsDefault, ct))
            sender.IsDefault = true;
        db.SenderIds.Add(sender);
        await db.SaveChangesAsync(ct);
        var view = ToView(sender);
        if (token is not null)
            await verification.SendAsync(view, token, ct);
        return view;
    }

    /// <summary>Sends an e-mail sender a new verification link (the old one stops working).</summary>
    public async Task<SenderIdView> ResendVerificationAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sender = await db.SenderIds.SingleOrDefaultAsync(s => s.OrganisationId == organisationId && s.Id == id, ct)
            ?? throw DomainException.NotFound("Sender ID");
        // A rejected e-mail sender may be tried again: it waits for a new link, as a new one would.
        if (sender.Channel != Channel.Email || (sender.VerificationTokenHash is null && sender.Status != SenderIdStatus.Rejected))
            throw new DomainException("not_awaiting_verification", $"'{sender.Name}' is not waiting for a verification link.");
        (var token, sender.VerificationTokenHash, sender.VerificationSentAt) = NewToken(clock.GetUtcNow().UtcDateTime);
        sender.Status = SenderIdStatus.Pending;
        await db.SaveChangesAsync(ct);
        var view = ToView(sender);
        await verification.SendAsync(view, token, ct);
        return view;
    }

    /// <summary>Gives a Telegram bot its current token (after it was revoked or regenerated in BotFather).</summary>
    public async Task<SenderIdView> ReplaceSecretAsync(Guid organisationId, Guid id, string? secret, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sender = await db.SenderIds.SingleOrDefaultAsync(s => s.OrganisationId == organisationId && s.Id == id, ct)
            ?? throw DomainException.NotFound("Sender ID");
        if (sender.Channel != Channel.Telegram)
            throw DomainException.Validation("secret", $"Only a Telegram bot has a token; '{sender.Name}' is {ChannelNames.WithArticle(OriginNoun(sender.Channel).ToLowerInvariant())}.");
        var (_, _, token) = ValidateOrigin(new OriginRequest(Channel.Telegram, sender.Name, Secret: secret));
        sender.Secret = secrets.Protect(token!);
        await db.SaveChangesAsync(ct);
        secrets.Forget(organisationId, sender.Channel, sender.Name);
        return ToView(sender);
    }

    /// <summary>How long a verification link works.</summary>
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromDays(3);

    /// <summary>
    /// Follows an e-mail sender's verification link: the token matches and is young enough, so the address is the
    /// organisation's and may send. The first verified sender becomes the e-mail default. A wrong or used token is
    /// <c>invalid_token</c>, an old one <c>expired_token</c>.
    /// </summary>
    public async Task<SenderIdView> VerifyAsync(Guid id, string? token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sender = await db.SenderIds.SingleOrDefaultAsync(s => s.Id == id && s.Channel == Channel.Email, ct);
        var hash = Hash(token ?? "");
        if (sender?.VerificationTokenHash is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sender.VerificationTokenHash), Encoding.ASCII.GetBytes(hash)))
            throw new DomainException("invalid_token", "This verification link is not valid: it may have been used already, or a newer one was sent. Ask an admin to send a new one.");
        var now = clock.GetUtcNow().UtcDateTime;
        if (sender.VerificationSentAt is { } sent && now - sent > VerificationLifetime)
            throw new DomainException("expired_token", "This verification link has expired: ask an admin to send a new one from Admin › Sender IDs.");
        sender.VerificationTokenHash = null;
        sender.Status = SenderIdStatus.Approved;
        sender.DecidedAt = now;
        sender.DecidedBy = sender.Name;
        if (!await db.SenderIds.AnyAsync(s => s.OrganisationId == sender.OrganisationId && s.Channel == Channel.Email && s.IsDefault, ct))
            sender.IsDefault = true;
        await db.SaveChangesAsync(ct);
        return ToView(sender);
    }

    /// <summary>Marks an origin approved (by the operator, or Meta) so campaigns may use it. An e-mail sender is approved by its link only.</summary>
    public Task<SenderIdView> ApproveAsync(Guid organisationId, Guid id, string actor, CancellationToken ct = default) =>
        DecideAsync(organisationId, id, SenderIdStatus.Approved, actor, ct);

    /// <summary>Marks an origin rejected. The default cannot be rejected: choose another default first.</summary>
    public Task<SenderIdView> RejectAsync(Guid organisationId, Guid id, string actor, CancellationToken ct = default) =>
        DecideAsync(organisationId, id, SenderIdStatus.Rejected, actor, ct);

    /// <summary>Makes an approved origin the one its channel uses when a send names none.</summary>
    public async Task<SenderIdView> SetDefaultAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var chosen = await db.SenderIds.SingleOrDefaultAsync(s => s.OrganisationId == organisationId && s.Id == id, ct) ?? throw DomainException.NotFound("Sender ID");
        if (chosen.Status != SenderIdStatus.Approved)
            throw new DomainException("sender_id_not_approved", $"'{chosen.Name}' is not approved yet: only an approved {OriginNoun(chosen.Channel).ToLowerInvariant()} can be the default.");
        foreach (var s in await db.SenderIds.Where(s => s.OrganisationId == organisationId && s.Channel == chosen.Channel).ToListAsync(ct))
            s.IsDefault = s.Id == id;
        await db.SaveChangesAsync(ct);
        return ToView(chosen);
    }

    /// <summary>Checks the operator rules for an SMS sender ID and returns the trimmed name, or throws with what to fix.</summary>
    public static string Validate(string? name)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length == 0)
            throw DomainException.Validation("name", "Enter a sender ID.");
        if (clean.Length > SenderId.MaxLength)
            throw DomainException.Validation("name", $"A sender ID is at most {SenderId.MaxLength} characters; '{clean}' has {clean.Length}.");
        if (!clean.All(char.IsAsciiLetterOrDigit))
            throw DomainException.Validation("name", "Use only letters A–Z and digits 0–9: no spaces or symbols.");
        if (!clean.Any(char.IsAsciiLetter))
            throw DomainException.Validation("name", "Include at least one letter: an all-digit sender looks like a phone number and operators refuse it.");
        if (clean.Length < 3)
            throw DomainException.Validation("name", "A sender ID needs at least 3 characters.");
        return clean;
    }

    /// <summary>Checks an origin by its channel's rules; returns its stored name, provider id and secret, or throws naming the field to fix.</summary>
    public static (string Name, string? ProviderRef, string? Secret) ValidateOrigin(OriginRequest request)
    {
        var text = request.Name?.Trim() ?? "";
        switch (request.Channel)
        {
            case Channel.Sms:
                return (Validate(text), null, null);
            case Channel.WhatsApp:
                if (!PhoneNumber.TryParse(text, out var phone, out var problem))
                    throw DomainException.Validation("name", $"Enter the WhatsApp business number: {problem}");
                var reference = request.ProviderRef?.Trim() ?? "";
                if (!DigitsPattern().IsMatch(reference))
                    throw DomainException.Validation("providerRef", "Enter the number's phone-number ID from Meta's WhatsApp Manager (digits only, e.g. 106540352242922).");
                return (phone.Msisdn, reference, null);
            case Channel.Telegram:
                var bot = text.TrimStart('@');
                if (!BotUsernamePattern().IsMatch(bot))
                    throw DomainException.Validation("name", "Enter the bot's username as BotFather gave it, e.g. @AcmeKenyaBot: 5 to 32 letters, digits or underscores, ending in \"bot\".");
                var token = request.Secret?.Trim() ?? "";
                if (!BotTokenPattern().IsMatch(token))
                    throw DomainException.Validation("secret", "Enter the bot's token from BotFather, e.g. 123456789:AAH…: its number, a colon and about 35 letters and digits.");
                return ("@" + bot, null, token);
            case Channel.Email:
                if (!ChannelAddress.TryNormalise(Channel.Email, text, out var address, out var emailProblem))
                    throw DomainException.Validation("name", emailProblem!);
                return (address, null, null);
            default:
                if (text.Length == 0)
                    throw DomainException.Validation("name", "Enter the name of the Slack workspace's bot, as it appears in Slack.");
                if (text.Length > 80)
                    throw DomainException.Validation("name", "A Slack bot's name is at most 80 characters.");
                return (text, null, null);
        }
    }

    /// <summary>What an origin is called on its channel: "Sender ID", "WhatsApp number", "Telegram bot", "E-mail sender", "Slack bot".</summary>
    public static string OriginNoun(Channel channel) => channel switch
    {
        Channel.Sms => "Sender ID",
        Channel.WhatsApp => "WhatsApp number",
        Channel.Telegram => "Telegram bot",
        Channel.Email => "E-mail sender",
        _ => "Slack bot",
    };

    private async Task<SenderIdView> DecideAsync(Guid organisationId, Guid id, SenderIdStatus status, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sender = await db.SenderIds.SingleOrDefaultAsync(s => s.OrganisationId == organisationId && s.Id == id, ct)
            ?? throw DomainException.NotFound("Sender ID");
        if (status == SenderIdStatus.Rejected && sender.IsDefault)
            throw new DomainException("sender_id_is_default", $"'{sender.Name}' is the default {OriginNoun(sender.Channel).ToLowerInvariant()}: choose another default before rejecting it.");
        if (status == SenderIdStatus.Approved && sender.Channel == Channel.Email && sender.Status != SenderIdStatus.Approved)
            throw new DomainException("verification_required", $"'{sender.Name}' is approved by following the link sent to it; send the link again if it was lost.");
        sender.Status = status;
        sender.DecidedAt = clock.GetUtcNow().UtcDateTime;
        sender.DecidedBy = actor;
        if (status == SenderIdStatus.Rejected)
            sender.VerificationTokenHash = null;
        // A channel's first approved origin is its default (SMS had one from set-up; a new channel starts without).
        if (status == SenderIdStatus.Approved && !await db.SenderIds.AnyAsync(s => s.OrganisationId == organisationId && s.Channel == sender.Channel && s.IsDefault, ct))
            sender.IsDefault = true;
        await db.SaveChangesAsync(ct);
        secrets.Forget(organisationId, sender.Channel, sender.Name);
        return ToView(sender);
    }

    private static (string Token, string Hash, DateTime SentAt) NewToken(DateTime now)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        return (token, Hash(token), now);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static SenderIdView ToView(SenderId s) =>
        new(s.Id, s.Name, s.Category, s.Status, s.IsDefault, s.CreatedAt, s.DecidedAt, s.DecidedBy, s.Channel, s.ProviderRef, s.Secret is not null,
            s.VerificationTokenHash is not null);

    [GeneratedRegex("^[0-9]{6,20}$")]
    private static partial Regex DigitsPattern();

    // Telegram: 5 to 32 characters, letters, digits and underscores, ending in "bot".
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]$")]
    private static partial Regex BotUsernamePattern();

    [GeneratedRegex("^[0-9]{5,15}:[A-Za-z0-9_-]{30,50}$")]
    private static partial Regex BotTokenPattern();
}
