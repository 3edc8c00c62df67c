using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Campaigns;

/// <summary><c>/hubs/campaigns</c> through the .NET SignalR client, in the test host, with a read API key.</summary>
public sealed class CampaignsHubTests : IAsyncLifetime
{
    private readonly TestApp _app = new();
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private HubConnection? _connection;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_connection is not null)
            await _connection.DisposeAsync();
        _app.Dispose();
    }

    private async Task<HubConnection> ConnectAsync(string? apiKey)
    {
        var server = _app.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/campaigns"), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                if (apiKey is not null)
                    options.AccessTokenProvider = () => Task.FromResult<string?>(apiKey);
            })
            .Build();
        connection.On<JsonElement>("campaigns", e => _events.Writer.TryWrite(e));
        await connection.StartAsync();
        return connection;
    }

    [Fact]
    public async Task A_client_with_a_read_key_gets_the_current_picture_then_progress_of_a_send()
    {
        var organisation = await _app.OrganisationIdAsync();
        var (_, key) = await _app.Service<ApiKeyService>().CreateAsync(organisation, "Wall screen", ApiScopes.Read, null, "test");
        _connection = await ConnectAsync(key);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await _events.Reader.ReadAsync(timeout.Token);
        Assert.Equal(0, first.GetArrayLength());

        var id = await CampaignData.SendNowAsync(_app, organisation);

        JsonElement progress;
        do
        {
            var snapshot = await _events.Reader.ReadAsync(timeout.Token);
            progress = snapshot.EnumerateArray().FirstOrDefault(c => c.GetProperty("id").GetGuid() == id);
        }
        while (progress.ValueKind == JsonValueKind.Undefined || progress.GetProperty("status").GetString() != "completed");

        Assert.Equal("Flash sale", progress.GetProperty("name").GetString());
        Assert.Equal(3, progress.GetProperty("recipientsCount").GetInt32());
        Assert.Equal(3, progress.GetProperty("sentCount").GetInt32() + progress.GetProperty("failedCount").GetInt32());
        Assert.Equal(0, progress.GetProperty("queuedCount").GetInt32());
    }

    [Fact]
    public async Task Without_a_key_or_a_sign_in_the_hub_refuses_the_connection()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(apiKey: null));

        Assert.Contains("401", refused.Message);
    }
}
