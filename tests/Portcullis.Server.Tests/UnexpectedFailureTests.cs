using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Applications;
using Portcullis.Testing;
using static Portcullis.Server.Tests.ErrorAnswers;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// A bug (here: the application store throws for one app id) answers 500 without detail, in the format of the path it
/// happened on: OAuth's <c>server_error</c> under <c>/oidc</c>, the envelope under <c>/api</c>.
/// </summary>
public sealed class UnexpectedFailureTests(UnexpectedFailureTests.Server server) : IClassFixture<UnexpectedFailureTests.Server>
{
    private const string ExplodingAppId = "explodes-on-lookup";

    public sealed class Server : TestServer
    {
        protected override void ConfigureServices(IServiceCollection services)
        {
            var real = services.Last(d => d.ServiceType == typeof(IApplicationStore));
            services.Remove(real);
            services.AddScoped<IApplicationStore>(sp =>
                new ExplodingApplicationStore((IApplicationStore)ActivatorUtilities.CreateInstance(sp, real.ImplementationType!)));
        }
    }

    private sealed class ExplodingApplicationStore(IApplicationStore inner) : IApplicationStore
    {
        public Task<Application?> FindAsync(string appId, CancellationToken ct) =>
            appId == ExplodingAppId ? throw new InvalidOperationException("a bug, with a secret detail") : inner.FindAsync(appId, ct);

        public Task<IReadOnlyList<Application>> ListAsync(CancellationToken ct) => inner.ListAsync(ct);

        public Task<bool> TryCreateAsync(Application app, CancellationToken ct) => inner.TryCreateAsync(app, ct);

        public Task<bool> AnyAsync(CancellationToken ct) => inner.AnyAsync(ct);

        public Task UpdateAsync(Application app, CancellationToken ct) => inner.UpdateAsync(app, ct);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABugUnderOidc_AnswersServerError()
    {
        using var http = server.RawHttp();
        using var form = new StringContent($"grant_type=client_credentials&client_id={ExplodingAppId}&client_secret=whatever", Encoding.ASCII, "application/x-www-form-urlencoded");

        using var response = await http.PostAsync("oidc/token", form, Ct);

        await AssertOAuthErrorAsync(response, 500, "server_error");
        Assert.DoesNotContain("secret detail", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABugUnderApi_AnswersTheEnvelope()
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/signup")
        {
            Content = new StringContent("{\"connection\":\"PASSWORD\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", ExplodingAppId);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var envelope = await ReadEnvelopeAsync(response);
        AssertError(envelope, 500, ApiCodes.InternalError);
        Assert.DoesNotContain("secret detail", envelope.Message, StringComparison.Ordinal);
    }
}
