using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// Signing secrets: generated from a cryptographic random source, shown once, and stored encrypted with ASP.NET Core
/// Data Protection (keys in <c>keys/</c> beside the database). Unlike API keys they cannot be stored as a hash: the
/// worker needs the secret itself to sign. A copy of the database alone does not reveal them.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    public const string Prefix = "whsec_";
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly IDataProtector _protector = protection.CreateProtector("TalkNTalk.Webhooks.SigningSecret.v1");

    /// <summary>A new secret (190 bits of randomness), its encrypted form and the hint shown in lists.</summary>
    public (string Secret, string Protected, string Hint) Create()
    {
        var secret = Prefix + RandomNumberGenerator.GetString(Alphabet, 32);
        return (secret, _protector.Protect(secret), secret[..(Prefix.Length + 4)]);
    }

    public string Reveal(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
