using Microsoft.Extensions.Logging;

namespace Portcullis.Cli;

/// <summary>
/// Logs as one line each on the CLI's error writer (<c>warn: category: message</c>), so everything the CLI emits goes
/// through the writers it was handed: stdout stays the command's output, and in-process runs (tests) capture it all.
/// </summary>
internal sealed class CliLoggerProvider(TextWriter error) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new CliLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            error.WriteLine(line);
        }
    }

    private sealed class CliLogger(CliLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Trace => "trce",
                LogLevel.Debug => "dbug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                LogLevel.Critical => "crit",
                _ => logLevel.ToString(),
            };
            var detail = exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})";
            provider.Write($"{level}: {category}: {formatter(state, exception)}{detail}");
        }
    }
}
