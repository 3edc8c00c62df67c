using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>
/// An app whose e-mail senders can be verified (the link is kept instead of mailed), and the origins, templates and
/// books a multi-channel test sends with, each made through the same services as the admin pages.
/// </summary>
internal sealed class MultiChannelData : IDisposable
{
    public const string EmailSender = "news@acme.co.ke";
    public const string WhatsAppNumber = "254709000111";
    public const string TelegramBot = "@AcmeKenyaBot";

    private readonly KeptLinks _links = new();

    /// <param name="settings">Configuration, as an operator would set it.</param>
    public MultiChannelData(IReadOnlyDictionary<string, string>? settings = null) =>
        App = new TestApp(settings: settings, services: s => s.AddSingleton<IOriginVerificationSender>(_links));

    public TestApp App { get; }

    public void Dispose() => App.Dispose();

    /// <summary>The verification links sent, by origin id, instead of e-mails.</summary>
    private sealed class KeptLinks : IOriginVerificationSender
    {
        public ConcurrentDictionary<Guid, string> Tokens { get; } = new();

        public Task SendAsync(SenderIdView origin, string token, CancellationToken ct)
        {
            Tokens[origin.Id] = token;
            return Task.CompletedTask;
        }
    }

    /// <summary>An e-mail sender registered and, unless <paramref name="verify"/> is false, verified by its link.</summary>
    public async Task<SenderIdView> EmailSenderAsync(Guid org, string address = EmailSender, bool verify = true)
    {
        var senders = App.Service<SenderIdService>();
        var origin = await senders.RegisterAsync(org, new OriginRequest(Channel.Email, address));
        return verify ? await senders.VerifyAsync(origin.Id, _links.Tokens[origin.Id]) : origin;
    }

    /// <summary>An approved WhatsApp number with the template <c>order_update</c> (en) of two parameters.</summary>
    public async Task WhatsAppAsync(Guid org)
    {
        var senders = App.Service<SenderIdService>();
        var number = await senders.RegisterAsync(org, new OriginRequest(Channel.WhatsApp, WhatsAppNumber, ProviderRef: "106540352242922"));
        await senders.ApproveAsync(org, number.Id, TestApp.AdminEmail);
        await App.Service<WhatsAppTemplates>().AddAsync(org, "order_update", "en", "Hi {{1}}, order {{2}} is on its way.");
    }

    /// <summary>A Telegram bot (approved as soon as it is registered).</summary>
    public Task TelegramBotAsync(Guid org) =>
        App.Service<SenderIdService>().RegisterAsync(org, new OriginRequest(Channel.Telegram, TelegramBot, Secret: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"));

    /// <summary>A book of these contacts.</summary>
    public async Task<Guid> BookAsync(Guid org, string name, params ContactInput[] contacts)
    {
        var book = await App.Service<AddressBookService>().CreateAsync(org, name, null);
        foreach (var contact in contacts)
            await App.Service<ContactService>().AddAsync(org, book.Id, contact);
        return book.Id;
    }

    /// <summary>Four people: two with a mobile (one of them with an e-mail address too), one with an e-mail address only, one on Telegram only.</summary>
    public Task<Guid> CustomersAsync(Guid org, string name = "Customers") => BookAsync(org, name,
        new ContactInput("0712000001", "Wanjiku", "Kamau", Email: "wanjiku@example.co.ke"),
        new ContactInput("0733000002", "Otieno", null),
        new ContactInput(null, "Amina", null, Email: "AMINA@example.co.ke"),
        new ContactInput(null, "Baraka", null, TelegramChatId: "123456789"));
}
