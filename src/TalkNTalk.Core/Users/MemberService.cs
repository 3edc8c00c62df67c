using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Users;

public sealed record MemberView(string UserId, string Email, string DisplayName, MemberRole Role, bool IsDisabled, bool MustChangePassword, bool IsLockedOut, DateTime CreatedAt);

/// <summary>What the dashboard needs to know about the signed-in user's organisation.</summary>
public sealed record MemberContext(Guid OrganisationId, string OrganisationName, string TimeZoneId, MemberRole Role);

/// <summary>
/// Users of an organisation: invite, change role, disable. The last active admin can be neither demoted nor disabled.
/// Each call runs in its own DI scope, so Identity's <see cref="UserManager{TUser}"/> and its DbContext live for one
/// operation, never for a whole Blazor circuit.
/// </summary>
public sealed class MemberService(IServiceScopeFactory scopes, TimeProvider clock, UserSessions sessions)
{
    private const string LastAdmin = "This is the organisation's last active admin: make someone else an admin first.";

    /// <summary>Every member, by name.</summary>
    public async Task<IReadOnlyList<MemberView>> ListAsync(Guid organisationId, CancellationToken ct = default) =>
        (await PageAsync(organisationId, PageRequest.All, ct)).Items;

    /// <summary>A page of members, sorted by name (the default), e-mail, role or when they were added.</summary>
    public async Task<(IReadOnlyList<MemberView> Items, int Total)> PageAsync(Guid organisationId, PageRequest page, CancellationToken ct = default)
    {
        await using var op = Begin();
        var now = clock.GetUtcNow();
        var query = op.Db.Memberships.AsNoTracking().Where(m => m.OrganisationId == organisationId);
        var sorted = page.SortBy switch
        {
            nameof(MemberView.Email) => query.OrderBy(m => m.User!.NormalizedEmail, page.Descending),
            nameof(MemberView.Role) => query.OrderBy(m => m.Role, page.Descending).ThenBy(m => m.User!.DisplayName.ToUpper()),
            nameof(MemberView.CreatedAt) => query.OrderBy(m => m.CreatedAt, page.Descending),
            _ => query.OrderBy(m => m.User!.DisplayName.ToUpper(), page.Descending),
        };
        var (rows, total) = await sorted.ThenBy(m => m.UserId)
            .Select(m => new { m.Role, m.User!.Id, m.User.Email, m.User.DisplayName, m.User.IsDisabled, m.User.MustChangePassword, m.User.LockoutEnd, m.User.CreatedAt })
            .ToPageAsync(page, ct);
        return (rows.Select(r => new MemberView(r.Id, r.Email ?? "", r.DisplayName, r.Role, r.IsDisabled, r.MustChangePassword, r.LockoutEnd > now, r.CreatedAt)).ToList(), total);
    }

    /// <summary>The membership behind a signed-in user, or null if they have none.</summary>
    public async Task<MemberContext?> GetContextAsync(string userId, CancellationToken ct = default)
    {
        await using var op = Begin();
        return await op.Db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .Select(m => new MemberContext(m.OrganisationId, m.Organisation!.Name, m.Organisation.TimeZoneId, m.Role))
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>Creates a user with a temporary password they must change at first sign-in.</summary>
    public async Task<MemberView> InviteAsync(Guid organisationId, string? email, string? displayName, MemberRole role, string? temporaryPassword, CancellationToken ct = default)
    {
        await using var op = Begin();
        var user = await CreateUserAsync(op.Users, email, displayName, temporaryPassword, mustChangePassword: true, clock.GetUtcNow().UtcDateTime);
        op.Db.Memberships.Add(new Membership { OrganisationId = organisationId, UserId = user.Id, Role = role, CreatedAt = user.CreatedAt });
        await op.Db.SaveChangesAsync(ct);
        return new MemberView(user.Id, user.Email!, user.DisplayName, role, false, true, false, user.CreatedAt);
    }

    public async Task ChangeRoleAsync(Guid organisationId, string userId, MemberRole role, CancellationToken ct = default)
    {
        await using var op = Begin();
        var membership = await FindAsync(op.Db, organisationId, userId, ct);
        if (membership.Role == role)
            return;
        if (membership.Role == MemberRole.Admin && await IsLastActiveAdminAsync(op.Db, organisationId, userId, ct))
            throw new DomainException("last_admin", LastAdmin, "role");
        membership.Role = role;
        await op.Db.SaveChangesAsync(ct);
        await EndSessionsAsync(op.Users, userId);
    }

    /// <summary>Disables or re-enables sign-in. Nobody disables themselves, and the last active admin stays.</summary>
    public async Task SetDisabledAsync(Guid organisationId, string userId, bool disabled, string actingUserId, CancellationToken ct = default)
    {
        await using var op = Begin();
        var membership = await FindAsync(op.Db, organisationId, userId, ct);
        if (disabled && userId == actingUserId)
            throw new DomainException("cannot_disable_self", "You cannot disable your own account.");
        if (disabled && membership.Role == MemberRole.Admin && await IsLastActiveAdminAsync(op.Db, organisationId, userId, ct))
            throw new DomainException("last_admin", LastAdmin);
        var user = await op.Users.FindByIdAsync(userId) ?? throw DomainException.NotFound("User");
        user.IsDisabled = disabled;
        ThrowIfFailed(await op.Users.UpdateAsync(user));
        await EndSessionsAsync(op.Users, userId);
    }

    /// <summary>Creates an Identity user after checking the e-mail and password, with errors aimed at the field to fix.</summary>
    internal static async Task<AppUser> CreateUserAsync(UserManager<AppUser> users, string? email, string? displayName, string? password, bool mustChangePassword, DateTime now)
    {
        var cleanEmail = ValidateEmail(email);
        var name = displayName?.Trim() ?? "";
        if (name.Length == 0)
            throw DomainException.Validation("displayName", "Enter the person's name.");
        if (name.Length > 100)
            throw DomainException.Validation("displayName", "Keep the name to 100 characters.");
        if (string.IsNullOrEmpty(password))
            throw DomainException.Validation("password", "Enter a password.");
        if (await users.FindByEmailAsync(cleanEmail) is not null)
            throw DomainException.Validation("email", $"{cleanEmail} already has an account.");
        var user = new AppUser
        {
            UserName = cleanEmail,
            Email = cleanEmail,
            EmailConfirmed = true,
            DisplayName = name,
            MustChangePassword = mustChangePassword,
            CreatedAt = now,
        };
        ThrowIfFailed(await users.CreateAsync(user, password));
        return user;
    }

    /// <summary>Returns the trimmed address, or throws with an example of what one looks like.</summary>
    public static string ValidateEmail(string? email)
    {
        var clean = email?.Trim() ?? "";
        if (clean.Length == 0)
            throw DomainException.Validation("email", "Enter an e-mail address.");
        var at = clean.IndexOf('@');
        if (clean.Length > 256 || at <= 0 || !new EmailAddressAttribute().IsValid(clean) || !clean[(at + 1)..].Contains('.') || clean.EndsWith('.'))
            throw DomainException.Validation("email", $"'{clean}' is not an e-mail address: it should look like name@example.co.ke.");
        return clean;
    }

    /// <summary>Turns Identity's errors into one domain error aimed at the field they are about.</summary>
    public static void ThrowIfFailed(IdentityResult result)
    {
        if (result.Succeeded)
            return;
        var code = result.Errors.First().Code;
        var field = code.StartsWith("Password", StringComparison.Ordinal) ? "password"
            : code.Contains("Email", StringComparison.Ordinal) || code.Contains("UserName", StringComparison.Ordinal) ? "email"
            : null;
        throw new DomainException("validation_error", string.Join(" ", result.Errors.Select(e => e.Description)), field);
    }

    private Operation Begin() => new(scopes.CreateAsyncScope());

    private static async Task<Membership> FindAsync(TalkNTalkDbContext db, Guid organisationId, string userId, CancellationToken ct) =>
        await db.Memberships.SingleOrDefaultAsync(m => m.OrganisationId == organisationId && m.UserId == userId, ct)
        ?? throw DomainException.NotFound("User");

    private static Task<bool> IsLastActiveAdminAsync(TalkNTalkDbContext db, Guid organisationId, string userId, CancellationToken ct) =>
        db.Memberships.AllAsync(m => m.OrganisationId != organisationId || m.Role != MemberRole.Admin || m.UserId == userId || m.User!.IsDisabled, ct);

    /// <summary>
    /// Changes the user's own password, clears "must change password", and ends every other session of theirs
    /// (<paramref name="keepSession"/> is the browser that asked). Refusals name the field: <c>currentPassword</c> or <c>newPassword</c>.
    /// </summary>
    public async Task ChangePasswordAsync(string userId, string currentPassword, string newPassword, Guid? keepSession, CancellationToken ct = default)
    {
        await using var op = Begin();
        var user = await op.Users.FindByIdAsync(userId) ?? throw DomainException.NotFound("User");
        var result = await op.Users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == "PasswordMismatch"))
                throw new DomainException("wrong_password", "The current password is wrong.", "currentPassword");
            throw new DomainException("validation_error", string.Join(" ", result.Errors.Select(e => e.Description)), "newPassword");
        }
        user.MustChangePassword = false;
        ThrowIfFailed(await op.Users.UpdateAsync(user));
        await sessions.EndAllAsync(userId, keepSession, ct);
    }

    // Ends every session at once (their rows), and a new security stamp makes any circuit re-check the user.
    private async Task EndSessionsAsync(UserManager<AppUser> users, string userId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is not null)
            await users.UpdateSecurityStampAsync(user);
        await sessions.EndAllAsync(userId);
    }

    private sealed class Operation(AsyncServiceScope scope) : IAsyncDisposable
    {
        public TalkNTalkDbContext Db { get; } = scope.ServiceProvider.GetRequiredService<TalkNTalkDbContext>();
        public UserManager<AppUser> Users { get; } = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }
}
