using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace TalkNTalk.Core.Data;

/// <summary>
/// Random keys the whole installation shares, kept in <c>installation_secrets</c> encrypted with Data Protection:
/// the first instance to ask creates one, every later ask (on any instance) reads the same.
/// </summary>
public sealed class InstallationSecrets(IDbContextFactory<TalkNTalkDbContext> dbFactory, IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("TalkNTalk.InstallationSecrets");

    /// <summary>The named 32-byte key, created on first use.</summary>
    /// <param name="legacyFile">Where an earlier release kept it (a file beside the SQLite database, protected under
    /// <paramref name="legacyPurpose"/>): taken over the first time, so what was signed with it stays valid.</param>
    public byte[] GetOrCreate(string name, string? legacyFile = null, string? legacyPurpose = null)
    {
        using var db = dbFactory.CreateDbContext();
        if (db.InstallationSecrets.AsNoTracking().SingleOrDefault(s => s.Name == name) is { } stored)
            return _protector.Unprotect(Convert.FromBase64String(stored.Value));

        var key = legacyFile is not null && legacyPurpose is not null && File.Exists(legacyFile)
            ? protection.CreateProtector(legacyPurpose).Unprotect(Convert.FromBase64String(File.ReadAllText(legacyFile).Trim()))
            : RandomNumberGenerator.GetBytes(32);
        db.InstallationSecrets.Add(new InstallationSecret { Name = name, Value = Convert.ToBase64String(_protector.Protect(key)) });
        try
        {
            db.SaveChanges();
            return key;
        }
        catch (DbUpdateException)
        {
            // Another instance created it first: use that one.
            using var again = dbFactory.CreateDbContext();
            var winner = again.InstallationSecrets.AsNoTracking().Single(s => s.Name == name);
            return _protector.Unprotect(Convert.FromBase64String(winner.Value));
        }
    }
}
