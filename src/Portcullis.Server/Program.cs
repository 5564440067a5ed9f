using Portcullis.Server.Hosting;

WebApplication? app = null;
try
{
    app = PortcullisApp.Build(args);
    await PortcullisApp.StartAsync(app);
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    // Disposing flushes what the host itself logged about the failure before the one line that names it.
    if (app is not null)
    {
        try
        {
            await app.DisposeAsync();
        }
        catch (Exception disposal) when (disposal is not OperationCanceledException)
        {
            // The start failure is the news; a host that cannot even stop cleanly adds nothing to it.
        }
    }

    StartupFailure.Report(ex);
    return 1;
}

// Only a start failure is reported as one: what fails once the server runs is logged where it happens.
await using (app)
{
    await app.WaitForShutdownAsync();
}

return 0;
