using Npgsql;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Users;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Tests.Notifications;

/// <summary>
/// Two app instances on one PostgreSQL database, each running its backplane: a change made through one reaches the
/// other's subscribers and caches within a second, never comes back to its sender, and still arrives after the
/// listening connection was killed.
/// </summary>
public sealed class BackplaneTests
{
    // What issue #15 asks of a page on instance B watching a campaign sent through instance A.
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);

    [PostgresFact]
    public async Task A_campaign_change_on_one_instance_refreshes_the_campaign_page_and_the_lists_of_the_other()
    {
        await using var two = await Instances.StartAsync();
        var (campaign, organisation) = (Guid.NewGuid(), Guid.NewGuid());
        var page = Observe(two.B.Get<CampaignNotifier>(), campaign);
        var list = Observe(two.B.Get<OrganisationCampaignsNotifier>(), organisation);

        two.A.Get<CampaignNotifier>().Publish(campaign);
        two.A.Get<OrganisationCampaignsNotifier>().Publish(organisation);

        await page.WaitAsync(WithinASecond);
        await list.WaitAsync(WithinASecond);
    }

    [PostgresFact]
    public async Task A_top_up_on_one_instance_refreshes_the_wallet_badge_of_the_other()
    {
        await using var two = await Instances.StartAsync();
        var organisation = await two.A.CreateOrganisationAsync();
        var badge = Observe(two.B.Get<WalletNotifier>(), organisation);

        await two.A.Get<WalletService>().TopUpAsync(organisation, 500m, "M-Pesa", "admin@acmekenya.co.ke");

        await badge.WaitAsync(WithinASecond);
        Assert.Equal(500m, (await two.B.Get<WalletService>().GetBalanceAsync(organisation)).Available);
    }

    [PostgresFact]
    public async Task A_bot_token_replaced_on_one_instance_is_dropped_from_the_cache_of_the_other()
    {
        await using var two = await Instances.StartAsync();
        var organisation = await two.A.CreateOrganisationAsync();
        var bot = await two.A.Get<SenderIdService>().RegisterAsync(organisation,
            new OriginRequest(Channel.Telegram, "@AcmeKenyaBot", Secret: Channels.ChannelTestKit.BotToken));
        var secretsOnB = two.B.Get<OriginSecrets>();
        Assert.Equal(Channels.ChannelTestKit.BotToken, (await secretsOnB.FindAsync(organisation, Channel.Telegram, "@AcmeKenyaBot"))!.Secret);
        const string renewed = "123456789:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq";

        await two.A.Get<SenderIdService>().ReplaceSecretAsync(organisation, bot.Id, renewed);

        // B's cache would keep the old token for good: the clock stands still and nothing else forgets it.
        await Eventually(async () => (await secretsOnB.FindAsync(organisation, Channel.Telegram, "@AcmeKenyaBot"))!.Secret == renewed, WithinASecond);
    }

    [PostgresFact]
    public async Task A_session_ended_on_one_instance_stops_working_on_the_other_at_once()
    {
        await using var two = await Instances.StartAsync();
        await two.A.CreateOrganisationAsync();
        string userId;
        await using (var db = two.A.NewDb())
            userId = db.Users.Single(u => u.Email == TestServices.AdminEmailOf("Acme Kenya")).Id;
        var session = await two.A.Get<UserSessions>().StartAsync(userId, "Firefox", "41.90.64.1");
        var sessionsOnB = two.B.Get<UserSessions>();
        Assert.True(await sessionsOnB.IsActiveAsync(session, userId)); // now confirmed in B's cache
        var circuit = Observe(two.B.Get<SessionNotifier>(), session);

        await two.A.Get<UserSessions>().EndAsync(userId, session);

        await circuit.WaitAsync(WithinASecond);
        Assert.False(await sessionsOnB.IsActiveAsync(session, userId));
    }

    [PostgresFact]
    public async Task Gateway_settings_saved_on_one_instance_become_the_other_instances_too()
    {
        await using var two = await Instances.StartAsync();
        var gatewayOnB = two.B.Get<SmsGateway>();
        _ = two.B.Get<GatewaySettingsService>();
        var page = Observe(two.B.Get<GatewayNotifier>(), GatewayNotifier.Installation);

        await two.A.Get<GatewaySettingsService>().SaveAsync(new SmsOptions
        {
            Provider = SmsProviderKind.Kannel,
            Kannel = new KannelOptions { SendSmsUrl = "http://127.0.0.1:13013/cgi-bin/sendsms", Username = "talkntalk", Password = "kannel-secret", MessagesPerSecond = 75 },
        });

        await page.WaitAsync(WithinASecond);
        Assert.Equal((nameof(SmsProviderKind.Kannel), 75), (gatewayOnB.Current.ProviderName, gatewayOnB.Current.MessagesPerSecond));
    }

    [PostgresFact]
    public async Task An_instance_does_not_hear_its_own_changes()
    {
        await using var two = await Instances.StartAsync();
        var heardByA = new List<string>();
        var heardByB = new List<string>();
        var sendFromA = two.A.Get<ChangeBackplane>().Join("probe", key => { lock (heardByA) heardByA.Add(key); }, () => { });
        var sendFromB = two.B.Get<ChangeBackplane>().Join("probe", key => { lock (heardByB) heardByB.Add(key); }, () => { });

        sendFromA("from-a");
        await Eventually(() => Task.FromResult(Heard(heardByB, "from-a")), WithinASecond);
        // PostgreSQL delivers notifications in commit order: once A hears B's, it has been given its own too.
        sendFromB("from-b");
        await Eventually(() => Task.FromResult(Heard(heardByA, "from-b")), WithinASecond);

        lock (heardByA)
            Assert.Equal(["from-b"], heardByA);
        lock (heardByB)
            Assert.Equal(["from-a"], heardByB);
    }

    [PostgresFact]
    public async Task After_its_connection_is_killed_the_listener_reconnects_catches_up_and_delivers_again()
    {
        await using var two = await Instances.StartAsync();
        var campaign = Guid.NewGuid();
        var open = Observe(two.B.Get<CampaignNotifier>(), campaign);
        var listener = two.B.Get<PostgresBackplane>();
        var killed = listener.ListenerProcessId!.Value;

        await using (var connection = new NpgsqlConnection(two.A.Database.ConnectionStringToOpen + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", connection);
            kill.Parameters.AddWithValue("pid", killed);
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        await Eventually(() => Task.FromResult(listener.ListenerProcessId is { } pid && pid != killed), TimeSpan.FromSeconds(10));
        // What changed while it was away is unknown, so the open page refreshed once anyway.
        await open.WaitAsync(TimeSpan.FromSeconds(10));
        var later = Guid.NewGuid();
        var page = Observe(two.B.Get<CampaignNotifier>(), later);
        two.A.Get<CampaignNotifier>().Publish(later);
        await page.WaitAsync(WithinASecond);
    }

    [Fact]
    public async Task Only_PostgreSQL_has_a_backplane()
    {
        await using var services = await TestServices.StartAsync();
        var postgres = services.Database.Provider == DatabaseProvider.Postgres;

        Assert.Equal(postgres, services.TryGet<ChangeBackplane>() is not null);
        Assert.Equal(postgres, services.TryGet<PostgresBackplane>() is not null);
    }

    [Fact]
    public void A_batch_is_split_into_payloads_PostgreSQL_accepts_and_read_back_whole()
    {
        var from = Guid.NewGuid();
        var changes = Enumerable.Range(0, 500).Select(_ => new BackplaneChange("organisation-campaigns", Guid.NewGuid().ToString()))
            .Append(new BackplaneChange("origin-changed", $"{Guid.NewGuid()}:Email:ÖMER:\"QUOTED\"@EXAMPLE.CO.KE"))
            .Append(new BackplaneChange("origin-changed", new string('x', BackplaneMessage.MaxLength)))
            .ToList();

        var (payloads, tooLong) = BackplaneMessage.Write(from, changes);

        Assert.True(payloads.Count > 1);
        Assert.All(payloads, p => Assert.True(System.Text.Encoding.UTF8.GetByteCount(p) <= BackplaneMessage.MaxLength));
        Assert.Equal([changes[^1]], tooLong);
        var read = payloads.SelectMany(p =>
        {
            Assert.True(BackplaneMessage.TryRead(p, out var sender, out var some));
            Assert.Equal(from, sender);
            return some;
        });
        Assert.Equal(changes[..^1], read);
        Assert.False(BackplaneMessage.TryRead("hello", out _, out _));
        Assert.False(BackplaneMessage.TryRead("{\"from\":\"x\",\"changes\":[]}", out _, out _));
    }

    private static bool Heard(List<string> heard, string key)
    {
        lock (heard)
            return heard.Contains(key);
    }

    /// <summary>Completes when <paramref name="notifier"/> calls a subscriber of <paramref name="key"/>.</summary>
    private static Task Observe<TKey>(ChangeNotifier<TKey> notifier, TKey key) where TKey : notnull
    {
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IDisposable? subscription = null;
        subscription = notifier.Subscribe(key, () =>
        {
            called.TrySetResult();
            subscription?.Dispose();
            return Task.CompletedTask;
        });
        return called.Task;
    }

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (!await condition())
            await Task.Delay(10, timeout.Token);
    }

    /// <summary>Instance A (owning the database) and instance B sharing it, both backplanes started and listening.</summary>
    private sealed class Instances : IAsyncDisposable
    {
        public required TestServices A { get; init; }
        public required TestServices B { get; init; }

        public static async Task<Instances> StartAsync()
        {
            var a = await TestServices.StartAsync();
            var b = await TestServices.StartAsync(sharing: a);
            var two = new Instances { A = a, B = b };
            foreach (var instance in new[] { a, b })
            {
                var backplane = instance.Get<PostgresBackplane>();
                await backplane.StartAsync(CancellationToken.None);
                await Eventually(() => Task.FromResult(backplane.ListenerProcessId is not null), TimeSpan.FromSeconds(10));
            }
            return two;
        }

        public async ValueTask DisposeAsync()
        {
            await B.Get<PostgresBackplane>().StopAsync(CancellationToken.None);
            await A.Get<PostgresBackplane>().StopAsync(CancellationToken.None);
            await B.DisposeAsync();
            await A.DisposeAsync();
        }
    }
}
