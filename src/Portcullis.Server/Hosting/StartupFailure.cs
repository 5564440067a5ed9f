namespace Portcullis.Server.Hosting;

/// <summary>
/// A start that fails (a refused setting, an unreadable key ring, a port in use) is reported as one JSON log line like every
/// other, not as the runtime's plain-text stack trace, so log collectors parse it and operators see the reason first.
/// </summary>
public static class StartupFailure
{
    public const string Category = "Portcullis.Server.Startup";

    public static void Report(Exception failure)
    {
        using (var logging = LoggerFactory.Create(b => b.AddJsonConsole(ServiceRegistration.JsonLogLines)))
        {
            logging.CreateLogger(Category).LogCritical(failure, "The server could not start: {Reason}", failure.GetBaseException().Message);
        }
    }
}
