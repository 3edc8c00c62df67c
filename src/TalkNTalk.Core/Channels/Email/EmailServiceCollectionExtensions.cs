using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.SenderIds;

namespace TalkNTalk.Core.Channels.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// E-mail's SMTP provider (created only when used: <see cref="ChannelGateways"/> picks it when <c>Channels:Email:Provider</c>
    /// is <c>Smtp</c>), the sender verification e-mail and the bounce listener (a hosted service, off without a port).
    /// </summary>
    public static IServiceCollection AddTalkNTalkEmail(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SmtpEmailProvider(sp.GetRequiredService<IOptions<ChannelsOptions>>().Value.Email,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SmtpEmailProvider>>()));
        services.AddSingleton<IOriginVerificationSender, EmailOriginVerification>();
        services.AddSingleton<EmailBounceListener>();
        services.AddHostedService(sp => sp.GetRequiredService<EmailBounceListener>());
        return services;
    }
}
