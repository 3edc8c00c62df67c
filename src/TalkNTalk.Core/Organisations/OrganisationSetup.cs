using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Users;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Organisations;

/// <summary>What first-run setup (the page or the start-up bootstrap) asks for.</summary>
public sealed record SetupRequest(
    string? OrganisationName,
    string? DefaultSenderId,
    string? TimeZoneId,
    string? AdminName,
    string? AdminEmail,
    string? AdminPassword,
    decimal OpeningCredit = 0);

/// <summary>
/// Settings (section <c>Bootstrap</c>, or environment variables <c>Bootstrap__AdminEmail</c> and so on) that create the
/// organisation, its admin and an opening credit at start-up, for deployments with no browser. Applied idempotently.
/// </summary>
public sealed class BootstrapOptions
{
    public string? OrganisationName { get; set; }
    public string? DefaultSenderId { get; set; }
    public string TimeZone { get; set; } = Organisation.DefaultTimeZone;
    public string AdminName { get; set; } = "Administrator";
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
    public decimal OpeningCredit { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(OrganisationName) && !string.IsNullOrWhiteSpace(AdminEmail);
}

/// <summary>Creates an organisation with its first admin, approved default sender ID and wallet, in one transaction.</summary>
public sealed class OrganisationSetup(IServiceScopeFactory scopes, TimeProvider clock, ILogger<OrganisationSetup> logger)
{
    private const string OpeningCreditReference = "bootstrap:opening-credit";
    private volatile bool _complete;

    /// <summary>True once any user exists: from then on the setup page is gone. Cached, since it never turns false.</summary>
    public async Task<bool> IsCompleteAsync(CancellationToken ct = default)
    {
        if (_complete)
            return true;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalkNTalkDbContext>();
        _complete = await db.Users.AnyAsync(ct);
        return _complete;
    }

    /// <summary>First-run setup from the page. Refused once anyone has an account.</summary>
    public async Task<Guid> CreateFirstAsync(SetupRequest request, CancellationToken ct = default)
    {
        if (await IsCompleteAsync(ct))
            throw new DomainException("already_set_up", "This dashboard is already set up: sign in instead.");
        var id = await CreateAsync(request, ct);
        _complete = true;
        return id;
    }

    /// <summary>Applies <see cref="BootstrapOptions"/>: creates what is missing and leaves the rest untouched.</summary>
    public async Task BootstrapAsync(BootstrapOptions options, CancellationToken ct = default)
    {
        if (!options.IsConfigured)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalkNTalkDbContext>();
        var name = options.OrganisationName!.Trim();
        var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Name == name, ct);
        if (organisation is null)
        {
            await CreateAsync(new SetupRequest(name, options.DefaultSenderId, options.TimeZone, options.AdminName,
                options.AdminEmail, options.AdminPassword, options.OpeningCredit), ct);
            logger.LogInformation("Bootstrap created organisation {Organisation} with admin {Email}", name, options.AdminEmail);
        }
        else
        {
            logger.LogInformation("Bootstrap: organisation {Organisation} exists; nothing to create", name);
        }
        _complete = true;
    }

    private async Task<Guid> CreateAsync(SetupRequest request, CancellationToken ct)
    {
        var orgName = request.OrganisationName?.Trim() ?? "";
        if (orgName.Length == 0)
            throw DomainException.Validation("organisationName", "Enter your organisation's name.");
        if (orgName.Length > 100)
            throw DomainException.Validation("organisationName", "Keep the organisation's name to 100 characters.");
        var zone = string.IsNullOrWhiteSpace(request.TimeZoneId) ? Organisation.DefaultTimeZone : request.TimeZoneId.Trim();
        if (!OrganisationTime.IsKnownZone(zone))
            throw DomainException.Validation("timeZoneId", $"'{zone}' is not a time zone this server knows; use an IANA name such as Africa/Nairobi.");
        var sender = SenderIdService.Validate(request.DefaultSenderId);
        if (request.OpeningCredit < 0)
            throw DomainException.Validation("openingCredit", "The opening credit cannot be negative.");

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalkNTalkDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var now = clock.GetUtcNow().UtcDateTime;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.Organisations.AnyAsync(o => o.Name == orgName, ct))
            throw DomainException.Validation("organisationName", $"An organisation named '{orgName}' already exists.");
        var organisation = new Organisation { Name = orgName, TimeZoneId = zone, CreatedAt = now };
        db.Organisations.Add(organisation);
        var wallet = new Wallet { OrganisationId = organisation.Id };
        db.Wallets.Add(wallet);
        db.SenderIds.Add(new SenderId
        {
            OrganisationId = organisation.Id,
            Name = sender,
            NormalizedName = sender.ToUpperInvariant(),
            Category = SenderIdCategory.Transactional,
            Status = SenderIdStatus.Approved,
            IsDefault = true,
            CreatedAt = now,
            DecidedAt = now,
            DecidedBy = "setup",
        });
        if (request.OpeningCredit > 0)
        {
            var entry = wallet.TopUp(request.OpeningCredit, "Opening credit", "setup", now);
            entry.Reference = OpeningCreditReference;
            db.WalletLedger.Add(entry);
        }
        await db.SaveChangesAsync(ct);

        var admin = await MemberService.CreateUserAsync(users, request.AdminEmail, request.AdminName, request.AdminPassword, mustChangePassword: false, now);
        db.Memberships.Add(new Membership { OrganisationId = organisation.Id, UserId = admin.Id, Role = MemberRole.Admin, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return organisation.Id;
    }
}
