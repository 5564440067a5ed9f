using Portcullis.Client;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Factors.Otp;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// A verify is answered only after SQLite's single writer committed it: a real server process accepts a code, is killed
/// (SIGKILL) at once, and after a restart the same code is a replay. Real clock: the code is the next step's, so it is
/// accepted once within the ±1-step window whatever second the test runs in.
/// </summary>
public sealed class VerifyCrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcceptedCode_SurvivesAKill_AndIsAReplayAfterRestart()
    {
        var directory = Directory.CreateTempSubdirectory("portcullis-verify-crash-");
        var port = ServerProcesses.FreePort();
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{port}",
            "--Portcullis:Storage:ConnectionString", $"Data Source={Path.Combine(directory.FullName, "portcullis.db")}",
            "--Portcullis:Bootstrap:AppId", "verify-crash-app",
            "--Portcullis:Bootstrap:AppSecret", "verify-crash-secret-0123456789",
            "--Logging:LogLevel:Default", "Warning",
        ];
        using var client = new AuthenticationClient(new AuthenticationClientOptions
        {
            AppId = "verify-crash-app",
            AppSecret = "verify-crash-secret-0123456789",
            AppHost = $"http://127.0.0.1:{port}",
        });
        string code;

        using (var first = ServerProcesses.Start(args))
        {
            await ServerProcesses.WaitReadyAsync(port, Ct);
            await SignUpAndSignInAsync(client, "openid profile");
            var (data, seed) = await StartOtpAsync(client);
            AssertOk(await EnrollAsync(client, "OTP", data.EnrollmentToken, TotpVerifier.Compute(seed, DateTimeOffset.UtcNow)));

            code = TotpVerifier.Compute(seed, DateTimeOffset.UtcNow.AddSeconds(TotpVerifier.PeriodSeconds));
            AssertOk(await client.MfaOtpVerifyAsync(code, Ct));
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(Ct);
        }

        using (var second = ServerProcesses.Start(args))
        {
            try
            {
                await ServerProcesses.WaitReadyAsync(port, Ct);
                AssertError(await client.MfaOtpVerifyAsync(code, Ct), 400, ApiCodes.WrongTotp);
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync(Ct);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }
}
