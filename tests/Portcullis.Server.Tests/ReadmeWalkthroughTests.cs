using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;

namespace Portcullis.Server.Tests;

/// <summary>
/// The README's curl walk-through, run as written: the shell blocks marked <c>&lt;!-- walkthrough: curl --&gt;</c>, in
/// order, with bash against a live server, given the variables the README asks the reader to set.
/// </summary>
public sealed partial class ReadmeWalkthroughTests(ReadmeWalkthroughTests.Server server) : IClassFixture<ReadmeWalkthroughTests.Server>
{
    /// <summary>On the real clock: the walk-through computes its TOTP codes from the time of day.</summary>
    public sealed class Server : TestServer
    {
        protected override bool UseFakeClock => false;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CurlWalkthrough_BindsAnOtpFactor_RefusesTheBindingCodeAgain_VerifiesTheNextStep_AndSignsInWithTheFactor()
    {
        foreach (var tool in new[] { "bash", "curl", "python3" })
        {
            ServiceRequirement.RequireTool(tool, "The README's walk-through");
        }

        var blocks = WalkthroughBlock().Matches(await File.ReadAllTextAsync(DocumentationTests.FindRepoFile("README.md"), Ct));
        Assert.NotEmpty(blocks);
        var (appId, secret) = server.PostApp;

        var (exit, output, errors) = await RunAsync(string.Join('\n', blocks.Select(b => b.Groups[1].Value)),
            new() { ["PORTCULLIS_URL"] = server.BaseUrl, ["APP_ID"] = appId, ["APP_SECRET"] = secret });

        Assert.True(exit == 0, $"the walk-through exited with {exit}:\n{errors}\n{output}");
        var answers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.True(answers.Count == 6, "expected the answers of signup, enroll-factor, two verifies, the challenge and the recovery:\n" + output);
        Assert.Equal(200, answers[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(200, answers[1].GetProperty("statusCode").GetInt32());
        Assert.Equal((400, ApiCodes.WrongTotp, false), Verify(answers[2]));
        Assert.Equal((200, 0, true), Verify(answers[3]));
        Assert.Equal(ApiCodes.MfaRequired, answers[4].GetProperty("apiCode").GetInt32());
        Assert.False(answers[4].GetProperty("data").TryGetProperty("access_token", out _));
        Assert.Equal(200, answers[5].GetProperty("code").GetInt32());
        var accessToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(answers[5].GetProperty("data").GetProperty("access_token").GetString());
        Assert.Equal(["pwd", "otp", "mfa"], accessToken.Claims.Where(c => c.Type == "amr").Select(c => c.Value));
        Assert.Matches("^[a-z2-7]{4}(-[a-z2-7]{4}){5}$", answers[5].GetProperty("data").GetProperty("recoveryCode").GetString());
    }

    private static (int StatusCode, int ApiCode, bool Verified) Verify(JsonElement answer) =>
        (answer.GetProperty("statusCode").GetInt32(), answer.TryGetProperty("apiCode", out var code) ? code.GetInt32() : 0,
            answer.GetProperty("data").GetProperty("verified").GetBoolean());

    /// <summary>The script under <c>bash -euo pipefail</c>, so a failing command stops it rather than feeding the next one.</summary>
    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string script, Dictionary<string, string> environment)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portcullis-walkthrough-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(file, script, Ct);
        try
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-euo", "pipefail", file })
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(Ct);
            var errors = process.StandardError.ReadToEndAsync(Ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex(@"<!-- walkthrough: curl -->\n```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex WalkthroughBlock();
}
