using System.Net;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>Which URLs an endpoint may have, and which addresses a delivery may connect to.</summary>
public sealed class WebhookTargetsTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.20")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("2002:c0a8:0101::1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public void Local_and_private_addresses_are_private(string address) => Assert.True(WebhookTargets.IsPrivate(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("41.90.64.1")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    public void Internet_addresses_are_not(string address) => Assert.False(WebhookTargets.IsPrivate(IPAddress.Parse(address)));

    [Theory]
    [InlineData("", "Enter the URL")]
    [InlineData("hooks.acme.co.ke/sms", "http:// or https://")]
    [InlineData("ftp://41.90.64.1/sms", "http:// or https://")]
    [InlineData("javascript:alert(1)", "http:// or https://")]
    [InlineData("https://user:secret@41.90.64.1/sms", "user name and password")]
    [InlineData("http://127.0.0.1:5080/hooks", "private or local address (127.0.0.1)")]
    [InlineData("http://localhost/hooks", "private or local address")]
    [InlineData("http://api.localhost/hooks", "private or local address")]
    [InlineData("http://10.0.0.5/hooks", "private or local address")]
    [InlineData("http://169.254.169.254/latest/meta-data", "private or local address")]
    [InlineData("http://[::1]:8080/hooks", "private or local address")]
    [InlineData("http://0x7f000001/hooks", "private or local address")]
    public async Task Urls_that_are_not_public_http_are_refused_on_save(string url, string message)
    {
        var targets = new WebhookTargets(Options.Create(new WebhookOptions()));
        var refused = await Assert.ThrowsAsync<DomainException>(() => targets.ValidateAsync(url));
        Assert.Equal("url", refused.Field);
        Assert.Contains(message, refused.Message);
    }

    [Fact]
    public async Task A_public_address_is_accepted_and_private_ones_are_when_the_operator_allows_them()
    {
        Assert.Equal("https://41.90.64.1/sms?x=1", await new WebhookTargets(Options.Create(new WebhookOptions())).ValidateAsync(" https://41.90.64.1/sms?x=1 "));
        var allowing = new WebhookTargets(Options.Create(new WebhookOptions { AllowPrivateTargets = true }));
        Assert.Equal("http://127.0.0.1:5080/hooks", await allowing.ValidateAsync("http://127.0.0.1:5080/hooks"));
        await Assert.ThrowsAsync<DomainException>(() => allowing.ValidateAsync("ftp://127.0.0.1/"));
    }
}
