using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Channels.Email;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// The channels beside SMS: a 100,000-recipient e-mail campaign through the real SMTP provider to a real SMTP server on
/// loopback, and SMS and Telegram campaigns sent at once, each channel in its own lane.
/// </summary>
public static class ChannelsBenchmark
{
    public static async Task RunAsync()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("TALKNTALK_BENCH_EMAILS"), out var n) ? n : 100_000;
        // The tests' relay (the SmtpServer package) answers each message after some 45 ms, so it gets more connections;
        // the sink answers at once and shows what the sending side does with the default eight.
        await using (var relay = await LoopbackSmtpServer.StartAsync(new LoopbackSmtpServer.Options(CountOnly: true)))
            await EmailAsync(count, "an SMTP server (the SmtpServer package)", relay.Port, connections: 32,
                () => (relay.Sessions, relay.ByRecipient.Where(r => !r.Key.StartsWith("news@", StringComparison.Ordinal)).Sum(r => r.Value), relay.ByRecipient.Count - 1));
        await using (var sink = new SmtpSink())
            await EmailAsync(count, "an SMTP sink that answers at once", sink.Port, connections: 8, () => (sink.Sessions, sink.Messages - 1, -1));
    }

    // received: what the server counted of the campaign (the sender's verification e-mail left out), and the distinct
    // addresses among them when it knows them.
    private static async Task EmailAsync(int total, string server, int port, int connections, Func<(int Sessions, int Received, int Addresses)> received)
    {
        await using var app = await BenchServices.StartAsync(latencyMs: 0, new Dictionary<string, string?>
        {
            ["Channels:Email:Provider"] = "Smtp",
            ["Channels:Email:Host"] = "127.0.0.1",
            ["Channels:Email:Port"] = port.ToString(),
            ["Channels:Email:Security"] = "None",
            ["Channels:Email:MessagesPerSecond"] = "0",
            ["Channels:Email:MaxConnections"] = connections.ToString(),
        });
        var org = app.OrganisationId;
        var origin = await app.Get<SenderIdService>().RegisterAsync(org, new OriginRequest(Channel.Email, "news@bench.co.ke"));
        await using (var db = await app.Get<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync())
            await db.SenderIds.Where(s => s.Id == origin.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SenderIdStatus.Approved)
                .SetProperty(x => x.VerificationTokenHash, (string?)null).SetProperty(x => x.IsDefault, true));
        var book = await app.Get<AddressBookService>().CreateAsync(org, "Newsletter", null);
        await using (var csv = new MemoryStream(ContactsCsv(total)))
            await app.Get<ContactImporter>().ImportAsync(org, book.Id, csv, new ColumnMapping(0, 1, null, new Dictionary<int, string>(), EmailColumn: 2));

        var watch = Stopwatch.StartNew();
        var sent = await app.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.Email, Subject = "Your June statement",
            Message = "Habari {first_name},\n\nYour June statement is ready. Log in to view it.\n\nBench Ltd", AddressBookIds = [book.Id],
        });
        var accepted = watch.Elapsed;
        watch.Restart();
        var dispatcher = app.Get<Dispatcher>();
        while (await dispatcher.RunOnceAsync())
        {
        }
        var dispatched = watch.Elapsed;

        await using var check = await app.Get<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var delivered = await check.Messages.CountAsync(m => m.Status == MessageStatus.Delivered);
        var wallet = await check.Wallets.SingleAsync();
        var charged = (await check.WalletLedger.Where(e => e.Kind == LedgerEntryKind.Charge).Select(e => e.Amount).ToListAsync()).Sum();
        var (sessions, got, addresses) = received();
        var once = got == sent.Queued.Count && (addresses < 0 || addresses == sent.Queued.Count);
        Console.WriteLine($"e-mail campaign of {sent.Queued.Count:N0} recipients to {server} on loopback, {connections} connections at most: accepted in {accepted.TotalSeconds:N1} s, " +
                          $"sent in {dispatched.TotalSeconds:N1} s ({sent.Queued.Count / dispatched.TotalSeconds:N0} e-mails/s) over {sessions} SMTP session(s); " +
                          $"delivered {delivered:N0}; received once each: {once}; ledger exact: {wallet.Reserved == 0 && charged == sent.Cost && wallet.Available == BenchServices.Credit - charged}");
    }

    private static byte[] ContactsCsv(int rows)
    {
        string[] names = ["Wanjiku", "Otieno", "Akinyi", "Kamau", "Njeri", "Kiprono", "Achieng", "Mwangi"];
        var csv = new StringBuilder("mobile,first_name,email\n");
        for (var i = 0; i < rows; i++)
            csv.Append($"0712{i:D6},{names[i % names.Length]},{names[i % names.Length].ToLowerInvariant()}.{i}@example.co.ke\n");
        return Encoding.UTF8.GetBytes(csv.ToString());
    }
}
