using System.Globalization;
using System.Net;
using System.Text.Json;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.SenderIds;

namespace TalkNTalk.Core.Channels.Telegram;

/// <summary>
/// Sends through Telegram's Bot API: <c>POST {BaseUrl}/bot{token}/sendMessage</c> with <c>chat_id</c> and <c>text</c>,
/// the token being the origin's (each organisation's bot, kept encrypted by <see cref="OriginSecrets"/>). Telegram keeps
/// no idempotency key and sends no receipts: its acceptance is the delivery. Answers (<c>{"ok", "result" |
/// "error_code", "description", "parameters"}</c>): 200 <c>ok</c> with <c>result.message_id</c>: taken. 403 "bot was
/// blocked by the user": refused with <see cref="ChannelRules.TelegramBlocked"/> (the address leaves the channel); other
/// 400/403 ("chat not found", "bot can't initiate conversation with a user"): this message is refused. 429: slow down
/// for <c>parameters.retry_after</c>. 401 or 404 (a token Telegram does not know): refused as <see cref="BotTokenRejected"/>,
/// since the lane serves every organisation's bots. 503 and a refused connection: not taken; another 5xx: perhaps taken. A timeout or an answer that cannot be read: perhaps taken.
/// </summary>
public sealed class TelegramBotProvider(TelegramOptions options, OriginSecrets origins, IHttpClientFactory http) : IMessageProvider
{
    /// <summary>The error of a message whose bot's token Telegram no longer knows.</summary>
    public const string BotTokenRejected = "bot_token_rejected";

    /// <summary>The named HttpClient: never retried (a retry could send twice), never logged (the URL carries the token).</summary>
    public const string HttpClientName = "telegram";

    private const string Name = "Telegram";

    public bool DeduplicatesByMessageId => false;

    public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        var origin = await origins.FindAsync(request.OrganisationId, Channel.Telegram, request.SenderId, ct);
        if (origin?.Secret is not { Length: > 0 } token)
            return new SubmitResult(SubmitOutcome.Failed, ErrorCode: "unknown_origin",
                ErrorDetail: $"Telegram bot {request.SenderId} has no token this server can read: give it its token again (Replace token) under Admin › Sender IDs.");
        // A chat id is a number (ChannelAddress keeps only digits and a group's minus); Telegram also takes "@channel" names.
        object chatId = long.TryParse(request.Address, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ? id : request.Address;
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{options.BaseUrl.TrimEnd('/')}/bot{token}/sendMessage")
        {
            Content = ProviderHttp.JsonBody(new { chat_id = chatId, text = request.Body }),
        };
        var answer = await ProviderHttp.ExchangeAsync(http.CreateClient(HttpClientName), message, Name, options.BaseUrl, options.TimeoutSeconds, ct);
        return Read(answer, request);
    }

    /// <summary>Telegram has no account credit.</summary>
    public Task<bool> HasCreditAsync(CancellationToken ct) => Task.FromResult(true);

    private static SubmitResult Read(ProviderAnswer answer, SubmitRequest request)
    {
        var json = answer.Json();
        var description = json?.TextOf("description") ?? answer.Short;
        switch (answer.Code)
        {
            case 200 when json is { } root && root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True:
                // message_id is unique within its chat only, so the chat names it too.
                var messageId = root.NodeOf("result")?.NumberOf("message_id");
                return new SubmitResult(SubmitOutcome.Accepted, messageId is { } m ? $"{request.Address}:{m.ToString(CultureInfo.InvariantCulture)}" : null);
            case 429:
                var wait = json?.NodeOf("parameters")?.NumberOf("retry_after") is { } seconds ? TimeSpan.FromSeconds(seconds) : answer.RetryAfter ?? TimeSpan.FromSeconds(1);
                throw new ProviderThrottledException($"Telegram asked us to slow down ({description}).", wait);
            case 401 or 404:
                // One organisation's revoked token must not hold up every organisation's Telegram: the lane is shared, so
                // this bot's messages are refused (and refunded) rather than the lane paused.
                return new SubmitResult(SubmitOutcome.Failed, ErrorCode: BotTokenRejected,
                    ErrorDetail: $"Telegram does not know the token of bot {request.SenderId} ({answer.Code} {description}): it may have been revoked in BotFather; register the bot again with its current token under Admin › Sender IDs.");
            case >= 500:
                throw ProviderHttp.ServerError("Telegram", answer.Code, description);
            case 400 or 403:
                return new SubmitResult(SubmitOutcome.Failed, ErrorCode: ErrorCode(answer.Code, description), ErrorDetail: $"Telegram refused the message: {description}");
            case >= 400 and < 500:
                return new SubmitResult(SubmitOutcome.Failed, ErrorCode: $"http_{answer.Code}", ErrorDetail: $"Telegram refused the message: {answer.Code} {description}");
            default:
                throw new InvalidOperationException($"Telegram answered {answer.Code} {answer.Short}; the message may have been taken.");
        }
    }

    // Telegram's error codes are coarse (nearly everything is 400 or 403); its descriptions are stable and precise.
    private static readonly (string Description, string Code)[] KnownRefusals =
    [
        ("bot was blocked by the user", ChannelRules.TelegramBlocked),
        ("user is deactivated", "user_deactivated"),
        ("bot can't initiate conversation with a user", "chat_not_started"),
        ("chat not found", "chat_not_found"),
        ("message is too long", "message_too_long"),
        ("group chat was upgraded to a supergroup chat", "chat_migrated"),
        ("bot was kicked", "bot_kicked"),
        ("bot is not a member", "bot_not_member"),
        ("have no rights to send", "no_rights"),
    ];

    /// <summary>The error code a refusal is recorded with: a known description's own code, else <c>bad_request</c> or <c>forbidden</c>.</summary>
    internal static string ErrorCode(int status, string description)
    {
        foreach (var (text, code) in KnownRefusals)
            if (description.Contains(text, StringComparison.OrdinalIgnoreCase))
                return code;
        return status == 403 ? "forbidden" : "bad_request";
    }
}
