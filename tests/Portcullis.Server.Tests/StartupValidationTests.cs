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

    private static async Task<OptionsValidationException> StartRefusedAsync(string setting, string value)
    {
        var folder = Directory.CreateTempSubdirectory("portcullis-startup-");
        try
        {
            await using var app = PortcullisApp.Build([
                "--urls", "http://127.0.0.1:0",
                "--Portcullis:Storage:ConnectionString", $"Data Source={Path.Combine(folder.FullName, "p.db")}",
                setting, value,
            ]);

            return await Assert.ThrowsAsync<OptionsValidationException>(() => PortcullisApp.StartAsync(app, TestContext.Current.CancellationToken));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
