using Microsoft.Playwright;
using Portcullis.Testing;

namespace Portcullis.Browser.Tests;

public sealed class DevServer : TestServer
{
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => [new("Portcullis:DevOutbox", "true")];
}

/// <summary>Every page Portcullis serves, rendered in headless Chromium.</summary>
public sealed class PageTests(DevServer server, Chromium chromium) : IClassFixture<DevServer>, IClassFixture<Chromium>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DevOutbox_ShowsTheCodeThatWasJustSent()
    {
        var page = await chromium.NewPageAsync();
        var email = $"outbox-{Guid.NewGuid():N}@example.com";
        using (var http = server.RawHttp())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-email")
            {
                Content = new StringContent($"{{\"email\":\"{email}\",\"channel\":\"CHANNEL_LOGIN\"}}", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
            (await http.SendAsync(request, Ct)).EnsureSuccessStatusCode();
        }

        var code = server.Outbox.LastTo(email)!.Code;

        var consoleErrors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // The browser's own favicon request is the one 404 a page without an icon causes.
        page.Console += (_, m) => { if (m.Type == "error" && !m.Location.Contains("/favicon.ico", StringComparison.Ordinal)) { consoleErrors.Enqueue($"{m.Text} ({m.Location})"); } };

        var response = await page.GotoAsync(server.BaseUrl + "/dev/outbox");

        Assert.Equal(200, response!.Status);
        Assert.Equal("Portcullis · development outbox", await page.TitleAsync());
        var row = page.Locator("tr", new PageLocatorOptions { HasText = email });
        Assert.Equal(1, await row.CountAsync());
        Assert.Equal(code, (await row.Locator("td.code").InnerTextAsync()).Trim());
        Assert.Contains("Sent", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(consoleErrors.IsEmpty, string.Join('\n', consoleErrors));
        var png = await Chromium.ScreenshotAsync(page, "dev-outbox");
        Assert.True(png.Length > 5000, "the screenshot should show a rendered page");
    }

    [Fact]
    public async Task ApiReference_RendersTheOperations()
    {
        var page = await chromium.NewPageAsync();
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Console += (_, m) => problems.Enqueue($"console {m.Type}: {m.Text}");
        page.RequestFailed += (_, r) => problems.Enqueue($"failed {r.Url}: {r.Failure}");
        page.Response += (_, r) => { if (r.Status >= 400) { problems.Enqueue($"HTTP {r.Status} {r.Url}"); } };

        var response = await page.GotoAsync(server.BaseUrl + "/docs/", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        Assert.Equal(200, response!.Status);
        try
        {
            await page.GetByText("Sign in with a password").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            await Chromium.ScreenshotAsync(page, "api-reference-failed");
            Assert.Fail("The API reference did not render the operations:\n" + string.Join('\n', problems));
        }

        var content = await page.ContentAsync();
        Assert.Contains("Portcullis API", content, StringComparison.Ordinal);
        // Buttons of Scalar's hosted services have no place on a self-hosted server.
        foreach (var hosted in new[] { "Ask AI", "Generate SDK", "Deploy", "Developer Tools" })
        {
            Assert.Equal(0, await page.GetByText(hosted, new PageGetByTextOptions { Exact = false }).CountAsync());
        }

        // A console error is what a blocked script or style (the content security policy) or a broken bundle looks like.
        Assert.DoesNotContain(problems, p => p.StartsWith("failed", StringComparison.Ordinal) || p.StartsWith("HTTP", StringComparison.Ordinal)
            || p.StartsWith("console error", StringComparison.Ordinal));
        await Chromium.ScreenshotAsync(page, "api-reference");
    }

    /// <summary>
    /// The curl command the reference shows for sign-up carries the application header and a body that signs up: with the
    /// placeholder for the application's id replaced, it runs as shown.
    /// </summary>
    [Fact]
    public async Task ApiReference_SignUpRequest_RunsAsShown()
    {
        ServiceRequirement.RequireTool("curl", "Running the request /docs shows");

        var page = await chromium.NewPageAsync();
        await page.GotoAsync(server.BaseUrl + "/docs/#tag/accounts/POST/api/v3/signup", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        var snippet = page.Locator("pre, code").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex(@"^curl \S+/api/v3/signup") });
        await snippet.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        var curl = (await snippet.First.InnerTextAsync()).TrimEnd();

        Assert.Contains("--header 'x-authing-app-id: ", curl, StringComparison.Ordinal);
        var email = $"docs-{Guid.NewGuid():N}@example.com";
        var command = System.Text.RegularExpressions.Regex.Replace(curl, "x-authing-app-id: [^']*'", $"x-authing-app-id: {server.PostApp.AppId}'")
            .Replace("ada@example.com", email, StringComparison.Ordinal);
        var answer = await RunAsync("bash", "-c", command + " --silent --show-error");

        using var envelope = System.Text.Json.JsonDocument.Parse(answer);
        Assert.True(envelope.RootElement.GetProperty("statusCode").GetInt32() == 200, $"{command}\n→ {answer}");
        Assert.Equal(email, envelope.RootElement.GetProperty("data").GetProperty("email").GetString());
    }

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"{file} exited with {process.ExitCode}: {await error}");
        return await output;
    }
}
