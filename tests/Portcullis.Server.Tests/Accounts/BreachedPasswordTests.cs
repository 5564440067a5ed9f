using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.PasswordChangeScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>Passwords from the shipped blocklist of common and breached passwords, refused wherever a password is set.</summary>
public sealed class BreachedPasswordTests(BreachedPasswordTests.Server server) : IClassFixture<BreachedPasswordTests.Server>
{
    public sealed class Server : TestServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every 1,000th password of the shipped list, and each in upper case where that differs.</summary>
    public static TheoryData<string> Sample()
    {
        var list = File.ReadAllLines(DocumentationTests.FindRepoFile("src/Portcullis.Core/Passwords/Blocklist/common-passwords.txt"))
            .Where(l => l.Length > 0 && l[0] != '#').ToArray();
        var data = new TheoryData<string>();
        for (var i = 0; i < list.Length; i += 1000)
        {
            data.Add(list[i]);
            if (list[i].ToUpperInvariant() is var upper && upper != list[i])
            {
                data.Add(upper);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sample))]
    public async Task SignUp_RefusesIt(string password)
    {
        using var client = server.Client();

        var answer = await client.SignUpByEmailPasswordAsync(NewEmail(), password, ct: Ct);

        AssertError(answer, 400, ApiCodes.WeakPassword);
        Assert.Contains("too common", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdatePassword_RefusesThemAndTheUsersEmail_AndThePasswordStays()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);

        foreach (var refused in new[] { "iloveyou1", "Baseball1", email, email.Split('@')[0] })
        {
            AssertError(await client.UpdatePasswordAsync(new UpdatePasswordDto { OldPassword = Password, NewPassword = refused }, Ct), 400, ApiCodes.WeakPassword);
        }

        AssertOk(await client.UpdatePasswordAsync(new UpdatePasswordDto { OldPassword = Password, NewPassword = NewPassword }, Ct));
    }
}
