using System.Net.Sockets;
using System.Security.Authentication;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// A failed delivery in words an admin can act on, for the delivery log and the disable reason. The exception's own
/// text ("The SSL connection could not be established, see inner exception.") goes to the server log only.
/// </summary>
public static class WebhookDeliveryErrors
{
    public static string NoAnswer(int timeoutSeconds) => $"No answer within {timeoutSeconds} s.";

    /// <summary>What went wrong on the way to <paramref name="target"/>, before any answer came.</summary>
    public static string Describe(Exception error, Uri target)
    {
        var place = $"{target.Host}:{target.Port}";
        var socket = Find<SocketException>(error);
        if (Find<AuthenticationException>(error) is not null)
            return "The receiver's TLS certificate was not accepted (expired, self-signed or for another name).";
        if (error is HttpRequestException http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                    return $"Could not find {target.Host}: the name does not resolve to an address.";
                case HttpRequestError.SecureConnectionError:
                    return $"Could not make a secure (TLS) connection to {place}.";
                case HttpRequestError.ResponseEnded:
                    return $"{place} closed the connection before answering.";
                case HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError or HttpRequestError.VersionNegotiationError:
                    return $"{place} answered, but not with valid HTTP.";
                case HttpRequestError.ConnectionError:
                    return ConnectFailure(place, socket);
            }
        }
        if (socket is not null)
            return ConnectFailure(place, socket);
        if (Find<IOException>(error) is not null)
            return $"The connection to {place} broke off before an answer.";
        return $"Could not deliver to {place}.";
    }

    private static string ConnectFailure(string place, SocketException? socket) => socket?.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => $"Could not connect to {place}: the connection was refused (nothing listens on that port).",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"Could not connect to {place}: the host cannot be reached.",
        SocketError.TimedOut => $"Could not connect to {place}: the connection timed out.",
        SocketError.HostNotFound or SocketError.NoData => $"Could not find {place[..place.LastIndexOf(':')]}: the name does not resolve to an address.",
        _ => $"Could not connect to {place}.",
    };

    private static T? Find<T>(Exception? error) where T : Exception
    {
        for (; error is not null; error = error.InnerException)
            if (error is T found)
                return found;
        return null;
    }
}
