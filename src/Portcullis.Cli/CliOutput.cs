using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Portcullis.Core.Common;

namespace Portcullis.Cli;

/// <summary>Writing results: text or JSON on stdout, one <c>error: …</c> line on stderr for failures (exit code 1).</summary>
internal static class CliOutput
{
    public const int Success = 0;
    public const int Failure = 1;

    public static TextWriter Out(ParseResult parse) => parse.InvocationConfiguration.Output;

    public static int Fail(ParseResult parse, string message)
    {
        parse.InvocationConfiguration.Error.WriteLine($"error: {message}");
        return Failure;
    }

    public static int Fail(ParseResult parse, Error error) => Fail(parse, Describe(error));

    public static int Json<T>(ParseResult parse, T value, JsonTypeInfo<T> type)
    {
        Out(parse).WriteLine(JsonSerializer.Serialize(value, type));
        return Success;
    }

    /// <summary>Left-aligned columns separated by two spaces; empty values shown as <c>-</c>.</summary>
    public static int Table(ParseResult parse, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string?>> rows)
    {
        var widths = headers.Select((h, i) => rows.Select(r => Cell(r[i]).Length).Prepend(h.Length).Max()).ToArray();
        var output = Out(parse);
        output.WriteLine(Line(headers));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row));
        }

        return Success;

        string Line(IReadOnlyList<string?> cells) =>
            string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? Cell(c) : Cell(c).PadRight(widths[i])));
    }

    public static string Time(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    private static string Cell(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    private static string Describe(Error error) => error.Kind switch
    {
        ErrorKind.InvalidArgument => $"invalid argument: {error.Detail}",
        ErrorKind.WeakPassword => $"the password must be {error.Detail} characters long",
        ErrorKind.AppNotFound => "application not found",
        ErrorKind.UserAlreadyExists => "a user with this email or username already exists in the pool",
        ErrorKind.UserNotFound => "user not found",
        _ => error.Detail is null ? error.Kind.ToString() : $"{error.Kind}: {error.Detail}",
    };
}
