using Microsoft.Extensions.Logging;

namespace TalkNTalk.Core.Providers.AfricasTalking;

/// <summary>Sends through Africa's Talking's HTTP messaging API. (Being written.)</summary>
public sealed class AfricasTalkingSmsProvider(AfricasTalkingOptions options, IHttpClientFactory http, ILogger<AfricasTalkingSmsProvider> logger) : ISmsProvider
{
    public const string HttpClientName = "africastalking";

    public bool DeduplicatesByMessageId => false;

    public Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        _ = (options, http, logger);
        throw new ProviderUnavailableException("Africa's Talking is not available yet.");
    }

    public Task<bool> HasCreditAsync(CancellationToken ct) => Task.FromResult(true);
}
