using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Audit;
using Portcullis.Server.Hosting;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// Forwarded headers are believed only from the proxies <c>Portcullis:ForwardedHeaders</c> names (none by default): from
/// anyone else a forged <c>X-Forwarded-For</c> buys no new per-IP budget and a forged <c>X-Forwarded-Host</c> moves no issuer.
/// The tests' requests all come from loopback, so "a trusted proxy" is loopback named as one, and "an untrusted sender" is
/// loopback on a server that trusts nothing or only another network. Each server allows 3 code messages per IP per hour.
/// </summary>
public abstract class TrustedProxyTests(LimitedServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>send-email for a fresh address, as a client behind <paramref name="forwardedFor"/> would reach it.</summary>
    protected async Task<HttpStatusCode> SendFromAsync(string forwardedFor)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-email")
        {
            Content = new StringContent($"{{\"email\":\"{NewEmail()}\",\"channel\":\"CHANNEL_LOGIN\"}}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    protected async Task<string> IssuerSeenWithAsync(string forwardedHost, string forwardedProto)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, "oidc/.well-known/openid-configuration");
        request.Headers.Add("X-Forwarded-Host", forwardedHost);
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        using var response = await http.SendAsync(request, Ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("issuer").GetString()!;
    }

    protected static IEnumerable<string> Addresses(int count) => Enumerable.Range(1, count).Select(i => $"203.0.113.{i}");

    /// <summary>A wrong password for a fresh account, sent as a client behind <paramref name="forwardedFor"/>; the address its audit row carries.</summary>
    protected async Task<string?> AuditedAddressOfAWrongPasswordAsync(string forwardedFor)
    {
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/signin")
        {
            Content = new StringContent(
                $$"""{"connection":"PASSWORD","passwordPayload":{"email":"{{email}}","password":"not the password"},"client_id":"{{server.PostApp.AppId}}","client_secret":"{{server.PostApp.Secret}}"}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await http.SendAsync(request, Ct);
        await using var scope = server.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().ListForUserAsync(userId, 10, Ct);
        return Assert.Single(events, e => e.Type == AuditTypes.PasswordFailed).ClientIp;
    }
}

public sealed class UntrustedForwardedHeadersTests(UntrustedForwardedHeadersTests.Server server)
    : TrustedProxyTests(server), IClassFixture<UntrustedForwardedHeadersTests.Server>
{
    public sealed class Server() : LimitedServer(("Portcullis:Delivery:PerIpPerHour", "3"));

    [Fact]
    public async Task ForgedForwardedFor_FromAnUntrustedSender_SharesOneBudget_AndForgedHostAndProto_MoveNoIssuer()
    {
        var answers = new List<HttpStatusCode>();
        foreach (var forged in Addresses(4))
        {
            answers.Add(await SendFromAsync(forged));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(server.BaseUrl + "/oidc", await IssuerSeenWithAsync("evil.example", "https"));
    }

    [Fact]
    public async Task AuditRows_FromAnUntrustedSender_CarryTheSendersAddress_NotTheForgedOne()
    {
        Assert.Equal("127.0.0.1", await AuditedAddressOfAWrongPasswordAsync("203.0.113.99"));
    }
}

public sealed class TrustedLoopbackProxyTests(TrustedLoopbackProxyTests.Server server)
    : TrustedProxyTests(server), IClassFixture<TrustedLoopbackProxyTests.Server>
{
    public sealed class Server() : LimitedServer(("Portcullis:Delivery:PerIpPerHour", "3"), ("Portcullis:ForwardedHeaders:KnownProxies:0", "127.0.0.1"));

    [Fact]
    public async Task ATrustedProxy_GivesEachClientItsOwnBudget_AndItsHostAndSchemeMakeTheIssuer()
    {
        foreach (var client in Addresses(5))
        {
            Assert.Equal(HttpStatusCode.OK, await SendFromAsync(client));
        }

        // One client behind the proxy still has one budget.
        var oneClient = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            oneClient.Add(await SendFromAsync("198.51.100.7"));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], oneClient);
        Assert.Equal("https://portcullis.example/oidc", await IssuerSeenWithAsync("portcullis.example", "https"));
    }

    [Fact]
    public async Task AuditRows_BehindATrustedProxy_CarryTheClientsAddress()
    {
        Assert.Equal("198.51.100.23", await AuditedAddressOfAWrongPasswordAsync("198.51.100.23"));
    }
}

public sealed class TrustedOtherNetworkTests(TrustedOtherNetworkTests.Server server)
    : TrustedProxyTests(server), IClassFixture<TrustedOtherNetworkTests.Server>
{
    public sealed class Server() : LimitedServer(("Portcullis:Delivery:PerIpPerHour", "3"), ("Portcullis:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/8"));

    [Fact]
    public async Task ASenderOutsideTheTrustedNetwork_IsItself_WhateverItForwards()
    {
        var answers = new List<HttpStatusCode>();
        foreach (var forged in Addresses(4))
        {
            answers.Add(await SendFromAsync(forged));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        Assert.Equal(server.BaseUrl + "/oidc", await IssuerSeenWithAsync("evil.example", "https"));
    }

    [Theory]
    [InlineData("KnownProxies", "proxy.example")]
    [InlineData("KnownNetworks", "10.0.0.0")]
    [InlineData("KnownNetworks", "10.0.0.0/99")]
    public void Settings_ThatAreNotAddressesOrNetworks_AreRefusedAtStart(string list, string value)
    {
        var settings = list == "KnownProxies" ? new ForwardedHeadersSettings { KnownProxies = [value] } : new ForwardedHeadersSettings { KnownNetworks = [value] };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true));
        Assert.Contains(value, Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }
}
