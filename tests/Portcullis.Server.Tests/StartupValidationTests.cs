using Microsoft.Extensions.Options;
using Portcullis.Server.Hosting;

namespace Portcullis.Server.Tests;

/// <summary>Settings the server cannot honour stop it at start with a message that names them, not at the first request.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("MaxConsecutiveFailures", "0", "MaxConsecutiveFailures")]
    [InlineData("MaxConsecutiveFailures", "101", "MaxConsecutiveFailures")]
    [InlineData("LockoutMinutes", "0", "LockoutMinutes")]
    [InlineData("MaxLockoutMinutes", "5", "Portcullis:PasswordLockout:MaxLockoutMinutes")]
    public async Task PasswordLockout_OutOfRange_RefusesToStart(string setting, string value, string named)
    {
        var refused = await StartRefusedAsync($"--Portcullis:PasswordLockout:{setting}", value);

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Parallelism", "2")]
    [InlineData("MemoryKiB", "1024")]
    [InlineData("Iterations", "0")]
    public async Task PasswordHashing_OutsideWhatLibsodiumComputes_RefusesToStart(string setting, string value)
    {
        var refused = await StartRefusedAsync($"--Portcullis:Passwords:{setting}", value);

        Assert.Contains("Portcullis:Passwords", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Each of the server's settings sections refuses a bad value with a message that names the setting.</summary>
    [Theory]
    [InlineData("Portcullis:Bootstrap:AppSecret must be at least 16 characters when Portcullis:Bootstrap:AppId is set",
        "--Portcullis:Bootstrap:AppId", "startup-app", "--Portcullis:Bootstrap:AppSecret", "too-short")]
    [InlineData("Portcullis:Delivery:SmsAllowedCountryCodes and SmsDeniedCountryCodes take calling codes such as +86",
        "--Portcullis:Delivery:SmsDeniedCountryCodes:0", "86")]
    [InlineData("Portcullis:Delivery:LeaseSeconds (5) is shorter than the worst-case send", "--Portcullis:Delivery:LeaseSeconds", "5")]
    [InlineData("Portcullis:Sms:Provider must be outbox, webhook or twilio", "--Portcullis:Sms:Provider", "carrier-pigeon")]
    [InlineData("Portcullis:Email:Smtp:Host is required when Portcullis:Email:Provider is smtp", "--Portcullis:Email:Provider", "smtp")]
    [InlineData("MaxPhotoBytes", "--Portcullis:Face:MaxPhotoBytes", "10")]
    [InlineData("MatchThreshold", "--Portcullis:Face:MatchThreshold", "0.29")]
    [InlineData("MatchThreshold", "--Portcullis:Face:MatchThreshold", "0.91")]
    [InlineData("MaxRequestBodyBytes", "--Portcullis:MaxRequestBodyBytes", "10")]
    [InlineData("AccessTokenLifetimeSeconds", "--Portcullis:Tokens:AccessTokenLifetimeSeconds", "10")]
    public async Task BadSetting_RefusesToStart_NamingIt(string named, params string[] settings)
    {
        var refused = await StartRefusedAsync(settings);

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    private static Task<OptionsValidationException> StartRefusedAsync(string setting, string value) => StartRefusedAsync([setting, value]);

    private static async Task<OptionsValidationException> StartRefusedAsync(string[] settings)
    {
        var folder = Directory.CreateTempSubdirectory("portcullis-startup-");
        try
        {
            // Settings read while the host is built (the body limit, the providers' time limits) are refused by Build itself.
            return await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            {
                await using var app = PortcullisApp.Build([
                    "--urls", "http://127.0.0.1:0",
                    "--Portcullis:Storage:ConnectionString", $"Data Source={Path.Combine(folder.FullName, "p.db")}",
                    .. settings,
                ]);
                await PortcullisApp.StartAsync(app, TestContext.Current.CancellationToken);
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
