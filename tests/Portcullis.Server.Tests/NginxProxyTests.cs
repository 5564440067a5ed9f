using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Audit;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// deploy/nginx/portcullis.conf as deployed, run by Debian's nginx in front of two nodes on one database; only its listen
/// addresses, certificate paths and node addresses are replaced. The nodes trust nginx alone (127.0.0.1, where it connects
/// from) and allow 3 code messages per IP per hour. Clients bind their own loopback address (127.0.0.2 and up, all of
/// 127.0.0.0/8 being loopback), so nginx sees each as a different machine; each test uses addresses of its own.
/// </summary>
public sealed class NginxProxyTests(NginxProxyTests.Deployment deployment) : IClassFixture<NginxProxyTests.Deployment>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachClientBehindNginx_HasABudgetOfItsOwn_ThatHoldsAcrossBothNodes()
    {
        deployment.RequireAvailable();
        using var first = deployment.ClientThroughNginx("127.0.0.2");
        using var second = deployment.ClientThroughNginx("127.0.0.3");

        var firstAnswers = new List<HttpStatusCode>();
        var firstEmails = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var email = NewEmail();
            firstEmails.Add(email);
            firstAnswers.Add(await deployment.SendEmailAsync(first, email));
        }

        var secondAnswers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            secondAnswers.Add(await deployment.SendEmailAsync(second, NewEmail()));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], firstAnswers);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], secondAnswers);
        // The node that took a send is the one whose outbox recorded it: nginx spread the one client's sends over both.
        Assert.Equal(3, firstEmails.Count(deployment.SentByAnyNode));
        Assert.Contains(firstEmails, e => deployment.First.Outbox.LastTo(e) is not null);
        Assert.Contains(firstEmails, e => deployment.Second.Outbox.LastTo(e) is not null);
    }

    [Fact]
    public async Task AForgedForwardedFor_ThroughNginx_BuysNoBudget()
    {
        deployment.RequireAvailable();
        using var client = deployment.ClientThroughNginx("127.0.0.4");

        var answers = new List<HttpStatusCode>();
        foreach (var forged in new[] { "203.0.113.1", "203.0.113.2, 203.0.113.3", "127.0.0.1", "198.51.100.4" })
        {
            answers.Add(await deployment.SendEmailAsync(client, NewEmail(), forged));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task ForgedHostAndScheme_ThroughNginx_LeaveTheIssuerThePublicUrl()
    {
        deployment.RequireAvailable();
        using var client = deployment.ClientThroughNginx("127.0.0.5");

        Assert.Equal(Deployment.PublicUrl + "/oidc", await IssuerAsync(client, forgedHost: "evil.example", forgedProto: "http"));
        Assert.Equal(Deployment.PublicUrl + "/oidc", await IssuerAsync(client));
    }

    [Fact]
    public async Task ForgedHeaders_StraightToANode_BuyNoBudget_AndMoveNoIssuer()
    {
        deployment.RequireAvailable();
        using var direct = deployment.ClientStraightTo(deployment.First, "127.0.0.6");
        using var throughNginx = deployment.ClientThroughNginx("127.0.0.6");

        var answers = new List<HttpStatusCode>();
        foreach (var forged in new[] { "203.0.113.11", "203.0.113.12", "203.0.113.13", "203.0.113.14" })
        {
            answers.Add(await deployment.SendEmailAsync(direct, NewEmail(), forged));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
        // The node counted them for 127.0.0.6: the same client through nginx finds its budget spent.
        Assert.Equal(HttpStatusCode.TooManyRequests, await deployment.SendEmailAsync(throughNginx, NewEmail()));
        Assert.Equal(Deployment.PublicUrl + "/oidc", await IssuerAsync(direct, forgedHost: "evil.example", forgedProto: "http"));
    }

    [Fact]
    public async Task AuditRows_ThroughNginx_CarryTheClientsAddress_NotAForgedOne()
    {
        deployment.RequireAvailable();
        using var sdk = deployment.First.Client(Deployment.AppId, Deployment.AppSecret, Portcullis.Client.TokenEndPointAuthMethod.ClientSecretPost);
        var (email, userId) = await SignUpAsync(sdk);
        using var client = deployment.ClientThroughNginx("127.0.0.7");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/signin")
        {
            Content = new StringContent(
                $$"""{"connection":"PASSWORD","passwordPayload":{"email":"{{email}}","password":"not the password"},"client_id":"{{Deployment.AppId}}","client_secret":"{{Deployment.AppSecret}}"}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", Deployment.AppId);
        request.Headers.Add("X-Forwarded-For", "203.0.113.99");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        await using var scope = deployment.Second.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().ListForUserAsync(userId, 10, Ct);
        Assert.Equal("127.0.0.7", Assert.Single(events, e => e.Type == AuditTypes.PasswordFailed).ClientIp);
    }

    [Fact]
    public async Task NginxAnswersOnlyForThePublicName_RedirectsPlainHttp_AndSpeaksHttp2()
    {
        deployment.RequireAvailable();
        using var client = deployment.ClientThroughNginx("127.0.0.8");
        using var plain = deployment.ClientThroughNginx("127.0.0.8", plainHttp: true);
        using var otherName = deployment.ClientThroughNginx("127.0.0.8", host: "evil.example");

        using var redirect = await plain.GetAsync("oidc/.well-known/openid-configuration", Ct);
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal(new Uri(Deployment.PublicUrl + "/oidc/.well-known/openid-configuration"), redirect.Headers.Location);

        // A made-up Host header reaches the default server, which closes the connection; so does a made-up TLS server name.
        await Assert.ThrowsAsync<HttpRequestException>(() => SendWithHostAsync(client, "evil.example"));
        await Assert.ThrowsAsync<HttpRequestException>(() => SendWithHostAsync(plain, "evil.example"));
        await Assert.ThrowsAsync<HttpRequestException>(() => otherName.GetAsync("health/live", Ct));

        using var http2 = new HttpRequestMessage(HttpMethod.Get, "health/live") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var answer = await client.SendAsync(http2, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpVersion.Version20, answer.Version);
        Assert.True(answer.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Nginx_RefusesBodiesOverTheServersLimit_ButLetsFacePhotosThrough()
    {
        deployment.RequireAvailable();
        using var client = deployment.ClientThroughNginx("127.0.0.9");

        using var tooLarge = await client.PostAsync("api/v3/signin", new ByteArrayContent(new byte[(64 * 1024) + 1]), Ct);
        using var photo = await client.PostAsync("api/v3/upload-face-photo", new ByteArrayContent(new byte[1024 * 1024]), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, photo.StatusCode);
        var mediaType = photo.Content.Headers.ContentType?.MediaType;
        Assert.True(mediaType == "application/json",
            $"the node's answer to the photo, not nginx's: HTTP {(int)photo.StatusCode} {mediaType}: {await photo.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task<string> IssuerAsync(HttpClient client, string? forgedHost = null, string? forgedProto = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "oidc/.well-known/openid-configuration");
        if (forgedHost is not null)
        {
            request.Headers.Add("X-Forwarded-Host", forgedHost);
        }

        if (forgedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forgedProto);
        }

        using var response = await client.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("issuer").GetString()!;
    }

    private static async Task SendWithHostAsync(HttpClient client, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "health/live");
        request.Headers.Host = host;
        using var response = await client.SendAsync(request, Ct);
    }

    /// <summary>Two nodes on one SQLite file, and nginx running the sample in front of them on loopback ports.</summary>
    public sealed class Deployment : IAsyncLifetime
    {
        public const string AppId = "nginx-test-app";
        public const string AppSecret = "nginx-test-secret-0123456789";
        public const string PublicHost = "id.example.com";
        public const string PublicUrl = "https://" + PublicHost;

        /// <summary>Where nginx connects to the nodes from: the only address they trust. Clients use others.</summary>
        private const string NginxAddress = "127.0.0.1";

        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portcullis-nginx-");
        private readonly ConcurrentQueue<string> _nginxOutput = new();
        private SharedDatabaseNode? _first;
        private SharedDatabaseNode? _second;
        private Process? _nginx;
        private byte[] _certificateHash = [];
        private int _tlsPort;
        private int _plainPort;
        private string? _unavailable;

        public SharedDatabaseNode First => _first ?? throw new InvalidOperationException("The nodes are not started.");

        public SharedDatabaseNode Second => _second ?? throw new InvalidOperationException("The nodes are not started.");

        public async ValueTask InitializeAsync()
        {
            if (FindNginx() is not { } nginx)
            {
                // Reported by each test (skip locally, failure under PORTCULLIS_REQUIRE_SERVICES=1), not as a broken fixture.
                _unavailable = "nginx is not installed (Debian: nginx): the reverse-proxy tests run deploy/nginx/portcullis.conf with it";
                return;
            }

            var database = Path.Combine(_folder.FullName, "portcullis.db");
            (string, string)[] settings =
            [
                ("Portcullis:PublicUrl", PublicUrl),
                ("Portcullis:ForwardedHeaders:KnownProxies:0", NginxAddress),
                ("Portcullis:Delivery:PerIpPerHour", "3"),
            ];
            _first = new SharedDatabaseNode(database, AppId, AppSecret, settings);
            await _first.InitializeAsync();
            _second = new SharedDatabaseNode(database, AppId, AppSecret, settings);
            await _second.InitializeAsync();

            // The hourly budgets are counted per hour of each node's clock: one hour on both.
            var now = new[] { _first.Clock.GetUtcNow(), _second.Clock.GetUtcNow() }.Max();
            _first.Clock.SetUtcNow(now);
            _second.Clock.SetUtcNow(now);

            WriteNginxConfiguration();
            _nginx = StartNginx(nginx);
            await WaitUntilNginxServesAsync();
        }

        public void RequireAvailable()
        {
            if (_unavailable is not null)
            {
                ServiceRequirement.SkipOrFail(_unavailable);
            }
        }

        /// <summary>
        /// A client at <paramref name="clientAddress"/> that reaches nginx as <see cref="PublicUrl"/> (https, the test's
        /// certificate) or, with <paramref name="plainHttp"/>, on its plain-http port; <paramref name="host"/> is the name it
        /// asks for (TLS server name and Host header).
        /// </summary>
        public HttpClient ClientThroughNginx(string clientAddress, bool plainHttp = false, string host = PublicHost) =>
            ClientAt(clientAddress, plainHttp ? $"http://{host}:{_plainPort}/" : $"https://{host}:{_tlsPort}/");

        /// <summary>A client at <paramref name="clientAddress"/> that bypasses nginx.</summary>
        public HttpClient ClientStraightTo(SharedDatabaseNode node, string clientAddress) => ClientAt(clientAddress, node.BaseUrl + "/");

        /// <summary>send-email for <paramref name="email"/>, with an X-Forwarded-For of the client's choosing if any.</summary>
        public async Task<HttpStatusCode> SendEmailAsync(HttpClient client, string email, string? forgedForwardedFor = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-email")
            {
                Content = new StringContent($"{{\"email\":\"{email}\",\"channel\":\"CHANNEL_LOGIN\"}}", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-authing-app-id", AppId);
            if (forgedForwardedFor is not null)
            {
                request.Headers.Add("X-Forwarded-For", forgedForwardedFor);
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            return response.StatusCode;
        }

        public bool SentByAnyNode(string email) => First.Outbox.LastTo(email) is not null || Second.Outbox.LastTo(email) is not null;

        /// <summary>Every connection goes to loopback from <paramref name="clientAddress"/>, whatever name the URL has.</summary>
        private HttpClient ClientAt(string clientAddress, string baseUrl)
        {
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = async (context, ct) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(IPAddress.Parse(clientAddress), 0));
                        await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHash().AsSpan().SequenceEqual(_certificateHash);
            return new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        }

        private static string? FindNginx() =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Append("/usr/sbin")
                .Select(directory => Path.Combine(directory, "nginx"))
                .FirstOrDefault(File.Exists);

        private void WriteNginxConfiguration()
        {
            var certificatePath = Path.Combine(_folder.FullName, "certificate.pem");
            var keyPath = Path.Combine(_folder.FullName, "key.pem");
            using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            {
                var request = new CertificateRequest($"CN={PublicHost}", key, HashAlgorithmName.SHA256);
                var names = new SubjectAlternativeNameBuilder();
                names.AddDnsName(PublicHost);
                request.CertificateExtensions.Add(names.Build());
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
                File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
                File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
                _certificateHash = certificate.GetCertHash();
            }

            _tlsPort = ServerProcesses.FreePort();
            _plainPort = ServerProcesses.FreePort();
            var site = File.ReadAllText(DocumentationTests.FindRepoFile("deploy/nginx/portcullis.conf"));
            site = Replace(site, @"^[ \t]*listen \[::\]:.*\n", "");                 // IPv4 loopback is enough here
            site = Replace(site, @"listen 443\b", $"listen 127.0.0.1:{_tlsPort}");
            site = Replace(site, @"listen 80\b", $"listen 127.0.0.1:{_plainPort}");
            site = Replace(site, @"ssl_certificate \S+;", $"ssl_certificate {certificatePath};");
            site = Replace(site, @"ssl_certificate_key \S+;", $"ssl_certificate_key {keyPath};");
            site = Replace(site, @"server 127\.0\.0\.1:5080;", $"server {new Uri(First.BaseUrl).Authority};");
            site = Replace(site, @"server 10\.0\.0\.12:5080;", $"server {new Uri(Second.BaseUrl).Authority};");
            File.WriteAllText(Path.Combine(_folder.FullName, "portcullis.conf"), site);

            // What Debian's /etc/nginx/nginx.conf gives a site, with every path inside this folder (the prefix).
            File.WriteAllText(Path.Combine(_folder.FullName, "nginx.conf"), """
                pid nginx.pid;
                error_log stderr warn;
                events {
                    worker_connections 256;
                }
                http {
                    access_log off;
                    client_body_temp_path client_body_temp;
                    proxy_temp_path proxy_temp;
                    fastcgi_temp_path fastcgi_temp;
                    uwsgi_temp_path uwsgi_temp;
                    scgi_temp_path scgi_temp;
                    include portcullis.conf;
                }
                """);
            // Run as root, nginx's workers run as nobody: they must reach the temporary folders inside.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
        }

        private static string Replace(string text, string pattern, string replacement)
        {
            var regex = new Regex(pattern, RegexOptions.Multiline);
            Assert.True(regex.IsMatch(text), $"deploy/nginx/portcullis.conf has no match for /{pattern}/ any more: NginxProxyTests replaces it to run the sample");
            return regex.Replace(text, replacement);
        }

        private Process StartNginx(string nginx)
        {
            var start = new ProcessStartInfo(nginx) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-p", _folder.FullName + "/", "-c", Path.Combine(_folder.FullName, "nginx.conf"), "-e", "stderr", "-g", "daemon off;" })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
                _nginxOutput.Enqueue(line);
            }
        }

        /// <summary>Polls (bounded) until nginx answers /health/ready from a node over https.</summary>
        private async Task WaitUntilNginxServesAsync()
        {
            using var client = ClientThroughNginx("127.0.0.254");
            var waited = Stopwatch.StartNew();
            while (true)
            {
                if (_nginx!.HasExited)
                {
                    Assert.Fail($"nginx exited with {_nginx.ExitCode}:\n{string.Join('\n', _nginxOutput)}");
                }

                try
                {
                    using var response = await client.GetAsync("health/ready");
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }

                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), $"nginx did not serve the nodes within 15 s:\n{string.Join('\n', _nginxOutput)}");
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_nginx is not null)
            {
                _nginx.Kill(entireProcessTree: true);
                await _nginx.WaitForExitAsync();
                _nginx.Dispose();
            }

            if (_second is not null)
            {
                await _second.DisposeAsync();
            }

            if (_first is not null)
            {
                await _first.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                _folder.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
