using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>
/// <c>passwordEncryptType</c> rsa or sm2 is refused with 9401 on sign-up and sign-in too: the SDKs send the password as given, so
/// an encrypted one would otherwise be compared as typed, fail, and count toward the identifier's lockout.
/// </summary>
public sealed class PasswordEncryptTypeTests(PasswordEncryptTypeTests.Server server) : IClassFixture<PasswordEncryptTypeTests.Server>
{
    public sealed class Server : TestServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("rsa")]
    [InlineData("sm2")]
    public async Task SignIn_WithAnEncryptedPassword_Is9401_AndCountsNothing(string type)
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);

        for (var i = 0; i < 12; i++)
        {
            AssertError(await client.SignInAsync(new SignInDto
            {
                Connection = "PASSWORD",
                PasswordPayload = new() { Email = email, Password = "an encrypted blob " + i },
                Options = new SignInOptions { PasswordEncryptType = type },
            }, Ct), 400, ApiCodes.InvalidArgument);
        }

        AssertOk(await client.SignInAsync(new SignInDto
        {
            Connection = "PASSWORD",
            PasswordPayload = new() { Email = email, Password = Password },
            Options = new SignInOptions { PasswordEncryptType = "none" },
        }, Ct));
    }

    [Fact]
    public async Task SignUp_WithAnEncryptedPassword_Is9401_AndCreatesNoAccount()
    {
        using var client = server.Client();
        var email = NewEmail();

        AssertError(await client.SignUpAsync(new SignUpDto
        {
            Connection = "PASSWORD",
            PasswordPayload = new() { Email = email, Password = Password },
            Options = new SignUpOptions { PasswordEncryptType = "rsa" },
        }, Ct), 400, ApiCodes.InvalidArgument);

        AssertOk(await client.SignUpByEmailPasswordAsync(email, Password, ct: Ct));
    }
}
