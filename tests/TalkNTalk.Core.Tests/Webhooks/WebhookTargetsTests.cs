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

    /// <summary>Every range of the IANA IPv4 and IPv6 Special-Purpose Address Registries, as the registries list them.</summary>
    public static TheoryData<string> SpecialPurposeRanges() =>
    [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.0.0/29", "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/32", "192.0.0.171/32", "192.0.2.0/24",
        "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
        "::1/128", "::/128", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001::/32", "2001:1::1/128",
        "2001:1::2/128", "2001:1::3/128", "2001:2::/48", "2001:3::/32", "2001:4:112::/48", "2001:10::/28", "2001:20::/28",
        "2001:30::/28", "2001:db8::/32", "2002::/16", "2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10",
        // Not special-purpose entries but no more reachable: multicast, deprecated site-local, unassigned space.
        "224.0.0.0/4", "ff00::/8", "fec0::/10", "4000::/2", "8000::/1",
    ];

    [Theory]
    [MemberData(nameof(SpecialPurposeRanges))]
    public void The_first_and_last_address_of_every_special_purpose_range_are_refused(string cidr)
    {
        var network = IPNetwork.Parse(cidr);
        var first = network.BaseAddress.GetAddressBytes();
        var last = (byte[])first.Clone();
        for (var bit = network.PrefixLength; bit < last.Length * 8; bit++)
            last[bit / 8] |= (byte)(0x80 >> (bit % 8));
        Assert.True(WebhookTargets.IsPrivate(new IPAddress(first)), $"{new IPAddress(first)} ({cidr})");
        Assert.True(WebhookTargets.IsPrivate(new IPAddress(last)), $"{new IPAddress(last)} ({cidr})");
    }

    [Theory]
    [InlineData("198.51.99.255")]
    [InlineData("198.51.101.0")]
    [InlineData("203.0.112.255")]
    [InlineData("203.0.114.0")]
    [InlineData("192.0.1.255")]
    [InlineData("198.20.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2001:200::1")]
    [InlineData("2001:db7:ffff::1")]
    [InlineData("2001:db9::1")]
    [InlineData("2c0f:fe38::1")]
    [InlineData("3ffe:ffff::1")]
    public void The_public_neighbours_of_those_ranges_are_not(string address) => Assert.False(WebhookTargets.IsPrivate(IPAddress.Parse(address)));

    [Theory]
    [InlineData("::ffff:{0}")]          // IPv4-mapped, RFC 4291
    [InlineData("::ffff:0:{0}")]        // IPv4-translated, RFC 2765
    [InlineData("::{0}")]               // IPv4-compatible, RFC 4291 (deprecated)
    [InlineData("64:ff9b::{0}")]        // NAT64, RFC 6052
    public void IPv6_forms_carrying_an_IPv4_address_are_judged_by_that_address(string form)
    {
        foreach (var refused in new[] { "127.0.0.1", "10.0.0.1", "169.254.169.254", "198.51.100.7", "203.0.113.9", "192.0.2.1", "0.0.0.0", "255.255.255.255" })
            Assert.True(WebhookTargets.IsPrivate(IPAddress.Parse(string.Format(form, refused))), string.Format(form, refused));
        Assert.False(WebhookTargets.IsPrivate(IPAddress.Parse(string.Format(form, "41.90.64.1"))), string.Format(form, "41.90.64.1"));
    }

    [Theory]
    [InlineData("http://198.51.100.10/hooks")]
    [InlineData("http://203.0.113.10/hooks")]
    [InlineData("http://[2001:db8::1]/hooks")]
    [InlineData("http://[100::1]/hooks")]
    [InlineData("http://[::ffff:0:127.0.0.1]/hooks")]
    public async Task Documentation_discard_and_translated_loopback_targets_are_refused_on_save(string url)
    {
        var targets = new WebhookTargets(Options.Create(new WebhookOptions()));
        var refused = await Assert.ThrowsAsync<DomainException>(() => targets.ValidateAsync(url));
        Assert.Contains("private or local address", refused.Message);
    }

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
