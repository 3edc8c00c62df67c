using System.Net.Sockets;
using System.Security.Authentication;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

public sealed class WebhookDeliveryErrorsTests
{
    private static readonly Uri Target = new("https://hooks.example.co.ke/sms");

    [Fact]
    public void A_refused_certificate_is_named_without_the_exception_text()
    {
        var error = new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.",
            new AuthenticationException("The remote certificate is invalid according to the validation procedure."));

        var text = WebhookDeliveryErrors.Describe(error, Target);

        Assert.StartsWith("The receiver's TLS certificate was not accepted", text);
        Assert.DoesNotContain("SSL connection", text);
    }

    [Fact]
    public void A_refused_connection_names_host_and_port()
    {
        var error = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (hooks.example.co.ke:443)",
            new SocketException((int)SocketError.ConnectionRefused));

        Assert.StartsWith("Could not connect to hooks.example.co.ke:443", WebhookDeliveryErrors.Describe(error, Target));
    }

    [Fact]
    public void An_unknown_host_and_a_timeout_read_plainly()
    {
        var unknown = new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (hooks.example.co.ke:443)");

        Assert.Equal("Could not find hooks.example.co.ke: the name does not resolve to an address.", WebhookDeliveryErrors.Describe(unknown, Target));
        Assert.Equal("No answer within 10 s.", WebhookDeliveryErrors.NoAnswer(10));
    }
}
