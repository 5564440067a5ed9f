using System.Diagnostics.CodeAnalysis;
using Xunit;

namespace Portcullis.Testing;

/// <summary>
/// What a test does when an outside service it needs (PostgreSQL, …) is not on the machine: skip, loudly, on a developer's
/// machine; fail when <c>PORTCULLIS_REQUIRE_SERVICES=1</c> (CI sets it), so a missing install step can never turn a run green
/// by skipping. Shared by every test project through Portcullis.Testing.
/// </summary>
public static class ServiceRequirement
{
    public const string Variable = "PORTCULLIS_REQUIRE_SERVICES";

    public static bool IsRequired => Environment.GetEnvironmentVariable(Variable) == "1";

    [DoesNotReturn]
    public static void SkipOrFail(string reason)
    {
        if (IsRequired)
        {
            Assert.Fail($"{reason} ({Variable}=1: a missing service fails the run instead of skipping it.)");
        }

        Assert.Skip($"{reason} (Set {Variable}=1 to make this a failure.)");
    }

    /// <summary>Skips or fails, as <see cref="SkipOrFail"/>, unless <paramref name="tool"/> is on the PATH.</summary>
    public static void RequireTool(string tool, string neededBy)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (!directories.Any(directory => File.Exists(Path.Combine(directory, tool))))
        {
            SkipOrFail($"{neededBy} needs {tool}, which is not on the PATH");
        }
    }
}
