using System.Collections.Concurrent;
using GridEdge.Server.Ingest;
using GridEdge.Server.Alerts;
using GridEdge.Server.Commands;
using GridEdge.Server.Gateways;
using GridEdge.Server.Readings;
using GridEdge.Server.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Protocol;

namespace GridEdge.Server.Tests.Support;

/// <summary>The real server host (embedded broker, SQLite ledger, HTTP API) on free loopback ports, in a temp folder.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private WebApplication? _app;
    private bool _started;

    public static readonly IReadOnlyDictionary<string, string> Gateways = new Dictionary<string, string>
    {
        ["gw-alpha"] = "alpha-secret-1",
        ["gw-beta"] = "beta-secret-2",
    };

    public int HttpPort { get; } = FreePort.Next();
    public int MqttPort { get; } = FreePort.Next();
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");
    public string LedgerPath => _folder.File("ledger.db");
    public ServerLedgers Ledger => new(App.Services.GetRequiredService<IReadingStore>(), App.Services.GetRequiredService<IGatewayStore>(),
        App.Services.GetRequiredService<IAlertStore>(), App.Services.GetRequiredService<ICommandStore>());
    public IngestMetrics Metrics => App.Services.GetRequiredService<IngestMetrics>();
    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    public static async Task<RunningServer> StartAsync(IReadOnlyDictionary<string, string?>? extra = null, IServerExtension? extension = null)
    {
        var server = new RunningServer();
        var settings = new Dictionary<string, string?>
        {
            ["Server:Http:Url"] = server.BaseAddress.ToString(),
            ["Server:Broker:Host"] = "127.0.0.1",
            ["Server:Broker:Port"] = server.MqttPort.ToString(),
            ["Server:Ledger:Path"] = server.LedgerPath,
            ["Server:Logs:Directory"] = server._folder.File("logs"),
        };
        var i = 0;
        foreach (var (id, password) in Gateways)
        {
            settings[$"Server:Gateways:{i}:Id"] = id;
            settings[$"Server:Gateways:{i}:Password"] = password;
            i++;
        }
        if (extra is not null) foreach (var (k, v) in extra) settings[k] = v;
        try
        {
            server._app = ServerHost.Build([], settings, extension);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await server._app.StartAsync(timeout.Token);
            server._started = true;
            // Tests call the API as an administrator unless they ask for another user (UserAsync) or none (Anonymous).
            server.ApiKey = (await server.UserAsync(server.Administrator, Roles.Admin, null)).ApiKey;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The administrator every <see cref="Http()"/> client signs in as (one per server: a test may start several on one ledger).</summary>
    public string Administrator => $"test-admin-{HttpPort}";

    /// <summary>The administrator's API key.</summary>
    public string ApiKey { get; private set; } = "";

    /// <summary>A client that sends the administrator's API key.</summary>
    public HttpClient Http() => Http(ApiKey);

    /// <summary>A client that sends <paramref name="apiKey"/>.</summary>
    public HttpClient Http(string apiKey)
    {
        var http = Anonymous();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    /// <summary>A client that sends no credentials.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Creates a user of <paramref name="role"/> through the store, with a password and an API key; its grid is added to the
    /// registry when missing. A department user without <paramref name="department"/> gets one registered for it in its
    /// grid (the county 370102000000 by default).
    /// </summary>
    public async Task<TestUser> UserAsync(string name, string role, string? grid, string password = "correct horse battery", string? department = null)
    {
        if (grid is not null) await GridsAsync(grid);
        if (role == Roles.Department && department is null)
        {
            department = "dept-" + name;
            await GridsAsync(grid ?? "370102000000");
            await App.Services.GetRequiredService<GridEdge.Server.Departments.IDepartmentStore>()
                .SaveAsync(new GridEdge.Server.Departments.Department(department, grid ?? "370102000000", "部门 " + name, []));
        }
        var users = App.Services.GetRequiredService<IUserStore>();
        var created = await users.CreateAsync(new NewUser(name, null, role, grid, password, department));
        if (created.User is null) throw new InvalidOperationException($"could not create user {name}: {created.Error}");
        var key = await users.CreateApiKeyAsync(name) ?? throw new InvalidOperationException($"no API key for {name}");
        return new TestUser(name, role, grid, password, key.Key, key.Id);
    }

    /// <summary>Adds <paramref name="grids"/> and the grids above them to the registry where missing.</summary>
    public Task GridsAsync(params string[] grids) => GridChain.AddAsync(App.Services.GetRequiredService<GridEdge.Server.Grid.IGridRegistryStore>(), grids);

    public MqttClientOptions GatewayOptions(string user, string password, string? clientId = null) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", MqttPort)
            .WithClientId(clientId ?? user)
            .WithCredentials(user, password)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();

    /// <summary>A connected gateway client that records every message it receives.</summary>
    public async Task<GatewayClient> ConnectGatewayAsync(string id, CancellationToken ct)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var gateway = new GatewayClient(id, client);
        var result = await client.ConnectAsync(GatewayOptions(id, Gateways[id]), ct);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            if (_started)
            {
                try { await _app.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
            }
            await _app.DisposeAsync();
        }
        _folder.Dispose();
    }
}

/// <summary>A gateway's MQTT client in a test: publishes raw payloads and collects what arrives on its subscriptions.</summary>
public sealed class GatewayClient : IDisposable
{
    private readonly BlockingCollection<MqttApplicationMessage> _received = new();

    public GatewayClient(string id, IMqttClient client)
    {
        Id = id;
        Client = client;
        client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Add(e.ApplicationMessage);
            return Task.CompletedTask;
        };
    }

    public string Id { get; }
    public IMqttClient Client { get; }

    public Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, CancellationToken ct) =>
        Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter, CancellationToken ct)
    {
        var result = await Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
        return result.Items.Single().ResultCode;
    }

    public MqttApplicationMessage Receive(TimeSpan timeout) =>
        _received.TryTake(out var message, timeout) ? message : throw new TimeoutException($"{Id} received nothing within {timeout}");

    public void Dispose()
    {
        if (Client.IsConnected) Client.TryDisconnectAsync().GetAwaiter().GetResult();
        Client.Dispose();
        _received.Dispose();
    }
}

/// <summary>A user a test created, with its password and API key.</summary>
public sealed record TestUser(string Name, string Role, string? Grid, string Password, string ApiKey, string ApiKeyId);

/// <summary>The running server's ledger stores.</summary>
public sealed record ServerLedgers(IReadingStore Readings, IGatewayStore Gateways, IAlertStore Alerts, ICommandStore Commands);
