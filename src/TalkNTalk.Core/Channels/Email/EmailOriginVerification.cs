using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.SenderIds;

namespace TalkNTalk.Core.Channels.Email;

/// <summary>
/// Sends an e-mail sender its verification link (<see cref="SenderIdService.VerifyAsync"/>) by e-mail through the SMTP
/// relay when e-mail goes through one; with the simulated provider nothing leaves the machine, so the link is written to
/// the log for a development install to follow. The link starts with <see cref="PublicLinks.BaseUrl"/>.
/// </summary>
public sealed class EmailOriginVerification(IOptions<ChannelsOptions> options, SmtpEmailProvider smtp, PublicLinks links,
    ILogger<EmailOriginVerification> logger) : IOriginVerificationSender
{
    public async Task SendAsync(SenderIdView origin, string token, CancellationToken ct)
    {
        var link = links.SenderVerification(origin.Id, token);
        var email = options.Value.Email;
        if (email.Provider != EmailOptions.Smtp)
        {
            logger.LogInformation("Verification for e-mail sender {Address}: open {Link}", origin.Name, link);
            return;
        }
        if (links.BaseUrlUnset)
            logger.LogWarning("App:PublicBaseUrl is not set: the verification link sent to {Address} points at {BaseUrl}", origin.Name, links.BaseUrl);
        var from = string.IsNullOrWhiteSpace(email.SystemSender) ? origin.Name : email.SystemSender.Trim();
        var message = smtp.Compose(new SubmitRequest(Guid.NewGuid(), origin.Name, from, Body(origin.Name, link), 1, Channel.Email,
            $"Confirm {origin.Name} as an e-mail sender"));
        SubmitResult result;
        try
        {
            // No VERP here: a bounce of this e-mail names no campaign message.
            result = await smtp.SendAsync(message, MailboxAddress.Parse(from), MailboxAddress.Parse(origin.Name), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The verification link for {Address} could not be sent", origin.Name);
            throw NotSent(origin, e.Message);
        }
        if (result.Outcome != SubmitOutcome.Accepted)
            throw NotSent(origin, result.ErrorDetail ?? result.Outcome.ToString());
    }

    private static DomainException NotSent(SenderIdView origin, string why) =>
        new("verification_not_sent", $"{origin.Name} is saved, but its verification link could not be sent ({why}). Send the link again from Admin › Sender IDs.");

    private static string Body(string address, string link) => $"""
        Someone in your organisation added {address} as a sender of e-mail campaigns on TalkNTalk.

        To confirm that campaigns may be sent from this address, open this link within {SenderIdService.VerificationLifetime.TotalDays:0} days:

        {link}

        If you did not expect this e-mail, ignore it: nothing is sent from {address} until the link is opened.
        """;
}
