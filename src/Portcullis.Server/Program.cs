using Portcullis.Server.Hosting;

try
{
    var app = PortcullisApp.Build(args);
    await PortcullisApp.StartAsync(app);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    StartupFailure.Report(ex);
    return 1;
}
