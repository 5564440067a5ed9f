using Microsoft.Extensions.Options;
using Portcullis.Server.Hosting;

namespace Portcullis.Server.Tests;

/// <summary>Settings the server cannot honour stop it at start with a message that names them, not at the first request.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Parallelism", "2")]
    [InlineData("MemoryKiB", "1024")]
    [InlineData("Iterations", "0")]
    public async Task PasswordHashing_OutsideWhatLibsodiumComputes_RefusesToStart(string setting, string value)
    {
        var folder = Directory.CreateTempSubdirectory("portcullis-startup-");
        try
        {
            await using var app = PortcullisApp.Build([
                "--urls", "http://127.0.0.1:0",
                "--Portcullis:Storage:ConnectionString", $"Data Source={Path.Combine(folder.FullName, "p.db")}",
                $"--Portcullis:Passwords:{setting}", value,
            ]);

            var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => PortcullisApp.StartAsync(app, TestContext.Current.CancellationToken));
            Assert.Contains("Portcullis:Passwords", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
