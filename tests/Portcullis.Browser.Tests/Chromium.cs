using Microsoft.Playwright;
using Portcullis.Testing;

namespace Portcullis.Browser.Tests;

/// <summary>
/// Debian's headless Chromium driven by Playwright (its driver ships in the NuGet package; no browser is downloaded).
/// Without /usr/bin/chromium the tests skip loudly, or fail when PORTCULLIS_REQUIRE_SERVICES=1.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <param name="locale">The browser's language (its Accept-Language).</param>
    /// <param name="bypassCsp">Lets a test inject a script (the accessibility checker) that the page's policy would refuse.</param>
    public async Task<IPage> NewPageAsync(string? locale = null, int width = 1280, bool bypassCsp = false)
    {
        if (Browser is null)
        {
            ServiceRequirement.SkipOrFail($"Chromium not found at {ExecutablePath}: install Debian's chromium package");
        }

        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 800 },
            Locale = locale,
            BypassCSP = bypassCsp,
        });
        return await context.NewPageAsync();
    }

    /// <summary>Saves a screenshot under TestResults/screenshots (kept as a CI artifact) and answers its bytes.</summary>
    public static async Task<byte[]> ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        return await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
