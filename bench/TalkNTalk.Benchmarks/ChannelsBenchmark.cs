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
using TalkNTalk.Core.Tests.Infrastructure;
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
        await MixedAsync(sms: 20_000, telegram: 600);
    }

    // SMS alone, then SMS and Telegram at once, through the running dispatcher (each channel's loop in its own lane): SMS
    // through the simulator with 50 ms latency, Telegram through the Bot API provider to a loopback Telegram at its lane's
    // 30 a second.
    private static async Task MixedAsync(int sms, int telegram)
    {
        var alone = await RunLanesAsync(sms, 0);
        var together = await RunLanesAsync(sms, telegram);
        Console.WriteLine($"SMS alone: {sms:N0} in {alone.Sms.TotalSeconds:N1} s ({sms / alone.Sms.TotalSeconds:N0} messages/s); " +
                          $"with {telegram:N0} Telegram messages at once: SMS {sms:N0} in {together.Sms.TotalSeconds:N1} s ({sms / together.Sms.TotalSeconds:N0} messages/s), " +
                          $"Telegram {telegram:N0} in {together.Telegram.TotalSeconds:N1} s ({telegram / together.Telegram.TotalSeconds:N1} messages/s, its lane's limit 30)");
    }

    private static async Task<(TimeSpan Sms, TimeSpan Telegram)> RunLanesAsync(int sms, int telegram)
    {
        await using var bot = await LoopbackPeer.StartAsync();
        var sequence = 0;
        bot.Answer = _ => new PeerAnswer(200, "{\"ok\":true,\"result\":{\"message_id\":" + Interlocked.Increment(ref sequence) + ",\"chat\":{\"id\":1},\"date\":1781000000,\"text\":\"ok\"}}");
        await using var app = await BenchServices.StartAsync(latencyMs: 50, new Dictionary<string, string?>
        {
            ["Channels:Telegram:Provider"] = "BotApi",
            ["Channels:Telegram:BaseUrl"] = bot.Url,
            ["Dispatch:MaxConcurrency"] = "256",
        });
        var org = app.OrganisationId;
        var campaigns = app.Get<CampaignService>();
        for (var c = 0; c < sms / 10_000; c++)
            await campaigns.SendBulkAsync(new SendRequest
            {
                OrganisationId = org, Message = "Your statement is ready.",
                Numbers = Enumerable.Range(c * 10_000, 10_000).Select(i => $"0712{i:D6}").ToList(),
            });
        if (telegram > 0)
        {
            await app.Get<SenderIdService>().RegisterAsync(org, new OriginRequest(Channel.Telegram, "@BenchKenyaBot", Secret: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"));
            var book = await app.Get<AddressBookService>().CreateAsync(org, "Members", null);
            var csv = new StringBuilder("mobile,first_name,telegram\n");
            for (var i = 0; i < telegram; i++)
                csv.Append($"0733{i:D6},Member,{100_000_000 + i}\n");
            await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())))
                await app.Get<ContactImporter>().ImportAsync(org, book.Id, stream, new ColumnMapping(0, 1, null, new Dictionary<int, string>(), TelegramColumn: 2));
            await campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.Telegram, Message = "Meeting at 5 pm.", AddressBookIds = [book.Id] });
        }

        var factory = app.Get<IDbContextFactory<TalkNTalkDbContext>>();
        async Task<bool> DoneAsync(Channel channel)
        {
            await using var db = await factory.CreateDbContextAsync();
            return !await db.Campaigns.AnyAsync(c => c.Channel == channel && c.Status != CampaignStatus.Completed);
        }
        var dispatcher = app.Get<Dispatcher>();
        var watch = Stopwatch.StartNew();
        TimeSpan? smsDone = null, telegramDone = telegram == 0 ? TimeSpan.Zero : null;
        await dispatcher.StartAsync(CancellationToken.None);
        while (smsDone is null || telegramDone is null)
        {
            await Task.Delay(50);
            if (smsDone is null && await DoneAsync(Channel.Sms))
                smsDone = watch.Elapsed;
            if (telegramDone is null && await DoneAsync(Channel.Telegram))
                telegramDone = watch.Elapsed;
            if (watch.Elapsed > TimeSpan.FromMinutes(10))
                throw new TimeoutException("The campaigns did not complete in 10 minutes.");
        }
        await dispatcher.StopAsync(CancellationToken.None);
        if (telegram > 0 && bot.Calls.Count != telegram)
            Console.WriteLine($"  (the loopback Telegram received {bot.Calls.Count:N0} messages for {telegram:N0})");
        return (smsDone.Value, telegramDone.Value);
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
