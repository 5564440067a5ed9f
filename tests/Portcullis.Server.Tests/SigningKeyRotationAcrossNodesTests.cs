using Microsoft.IdentityModel.JsonWebTokens;
using Portcullis.Client;
using Portcullis.Core.Tokens;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// Two nodes on one database, whose clocks differ, signing in and checking tokens all the time while keys are rotated: no token
/// issued by either node is ever refused by the other, before, during or after the new key takes over, and a second
/// rotation does not withdraw a key whose tokens are unexpired.
/// </summary>
public sealed class SigningKeyRotationAcrossNodesTests : IAsyncLifetime
{
    private const string AppId = "rotation-test-app";
    private const string AppSecret = "rotation-test-secret-0123456789";
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(20);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portcullis-rotation-");
    private readonly List<SharedDatabaseNode> _nodes = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var database = Path.Combine(_folder.FullName, "portcullis.db");
        for (var i = 0; i < 2; i++)
        {
            var node = new SharedDatabaseNode(database, AppId, AppSecret);
            _nodes.Add(node);
            await node.InitializeAsync();
        }

        // Clocks 30 s apart, as real machines' may be: the nodes then reread their keys at different moments.
        _nodes[0].Clock.Advance(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RotationsOnOneNode_UnderContinuousSignInAndVerification_NoTokenIsEverRefused()
    {
        var clients = _nodes.Select(n => n.Client(AppId, AppSecret, TokenEndPointAuthMethod.ClientSecretPost)).ToArray();
        try
        {
            var (email, _) = await SignUpAsync(clients[0]);
            var firstTokens = await SignInOnEveryNodeAsync(clients, email);
            var firstKid = Kid(firstTokens[0]);

            var staged = await _nodes[0].WithKeyRotationAsync(r => r.RotateAsync(immediately: false, keySize: null, Ct));
            var stagedUntilActive = await RunUntilAsync(clients, email, staged.ActivatesAt + 3 * Step, firstTokens);
            Assert.Equal(staged.Kid, Kid(stagedUntilActive[^1]));

            // The second rotation, on the other node, comes before the first key's tokens expire: they keep working.
            var next = await _nodes[1].WithKeyRotationAsync(r => r.RotateAsync(immediately: false, keySize: null, Ct));
            var last = await RunUntilAsync(clients, email, next.ActivatesAt + 3 * Step, [.. firstTokens, .. stagedUntilActive]);
            Assert.Equal(next.Kid, Kid(last[^1]));
            Assert.Equal(firstKid, Kid(firstTokens[0]));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    /// <summary>
    /// Step by step until <paramref name="until"/>: every node's clock moves on, a sign-in on every node, each new token and every
    /// token in <paramref name="kept"/> checked on every node. Answers the tokens issued at the last step.
    /// </summary>
    private async Task<string[]> RunUntilAsync(AuthenticationClient[] clients, string email, DateTimeOffset until, IReadOnlyList<string> kept)
    {
        string[] issued = [];
        while (_nodes[0].Clock.GetUtcNow() < until)
        {
            foreach (var node in _nodes)
            {
                node.Clock.Advance(Step);
            }

            issued = await SignInOnEveryNodeAsync(clients, email);
            foreach (var client in clients)
            {
                foreach (var token in issued.Concat(kept))
                {
                    client.SetAccessToken(token);
                    var answer = await client.GetProfileAsync(Ct);
                    Assert.True(answer.StatusCode == 200,
                        $"At {_nodes[0].Clock.GetUtcNow():O} a token signed by {Kid(token)} was refused: {answer.StatusCode}/{answer.ApiCode}");
                }
            }
        }

        return issued;
    }

    private static async Task<string[]> SignInOnEveryNodeAsync(AuthenticationClient[] clients, string email) =>
        await Task.WhenAll(clients.Select(async c => (await SignInAsync(c, email)).AccessToken!));

    private static string Kid(string token) => new JsonWebToken(token).Kid;
}
