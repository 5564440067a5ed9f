using Xunit;

namespace Portcullis.Testing;

/// <summary>
/// A test that needs an outside service (PostgreSQL, node, Chromium…) skips with a loud reason when it is missing — unless
/// <c>PORTCULLIS_REQUIRE_SERVICES=1</c> (set by .ci/run), where a missing service is a failure: in CI nothing may skip.
/// </summary>
public static class ServiceRequirement
{
    public const string Variable = "PORTCULLIS_REQUIRE_SERVICES";

    public static bool Required => Environment.GetEnvironmentVariable(Variable) == "1";

    public static void SkipOrFail(string reason)
    {
        if (Required)
        {
            Assert.Fail($"{reason} ({Variable}=1, so this is a failure, not a skip)");
        }

        Assert.Skip($"SKIPPED — {reason}. Set {Variable}=1 to make this a failure.");
    }
}
