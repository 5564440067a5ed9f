using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using static Portcullis.Server.Tests.PasswordChangeScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// <c>POST /api/v3/update-password</c> and <c>validate-password</c> on SQLite (the PostgreSQL end-to-end tests run the change
/// scenario too).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PasswordChangeTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task AChange_EndsTheOtherSessionsButNotThisOne() => ChangeEndsTheOtherSessionsButNotThisOneAsync(server);

    [Fact]
    public async Task AWrongCurrentPassword_Is2006_AndCountsLikeAWrongSignIn_UntilTheIdentifierLocks()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);

        for (var i = 0; i < 10; i++)
        {
            AssertError(await client.UpdatePasswordAsync(new UpdatePasswordDto { OldPassword = "not the password", NewPassword = NewPassword }, Ct),
                403, ApiCodes.WrongPassword);
        }

        // Ten wrong current passwords lock the login identifier, as ten wrong sign-ins do: the right one is refused too.
        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.LockedAfterFailedLogins);
        AssertError(await client.UpdatePasswordAsync(new UpdatePasswordDto { OldPassword = Password, NewPassword = NewPassword }, Ct),
            403, ApiCodes.LockedAfterFailedLogins);
    }

    [Theory]
    [InlineData(null, NewPassword, null, ApiCodes.InvalidArgument)]
    [InlineData(Password, "short", null, ApiCodes.WeakPassword)]
    [InlineData(Password, NewPassword, "rsa", ApiCodes.InvalidArgument)]
    public async Task BadInput_IsRefused_AndThePasswordStays(string? oldPassword, string newPassword, string? encryptType, int apiCode)
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);

        var answer = await client.UpdatePasswordAsync(
            new UpdatePasswordDto { OldPassword = oldPassword, NewPassword = newPassword, PasswordEncryptType = encryptType }, Ct);

        Assert.Equal(apiCode, answer.ApiCode);
        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct));
    }

    [Fact]
    public async Task WithoutASignedInUser_Is2020()
    {
        using var client = server.Client();

        AssertError(await client.UpdatePasswordAsync(new UpdatePasswordDto { OldPassword = Password, NewPassword = NewPassword }, Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task ValidatePassword_SaysWhetherItIsTheAccountsPassword_ByEmailPhoneOrUsername_AndUnknownAccountsAreJustInvalid()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);

        Assert.True((await client.ValidatePasswordAsync(new ValidatePasswordDto { Email = email, Password = Password }, Ct)).Data!.Valid);
        Assert.False((await client.ValidatePasswordAsync(new ValidatePasswordDto { Email = email, Password = "not the password" }, Ct)).Data!.Valid);
        Assert.False((await client.ValidatePasswordAsync(new ValidatePasswordDto { Email = NewEmail(), Password = Password }, Ct)).Data!.Valid);
        // Email first: a username given beside it is not looked at.
        Assert.True((await client.ValidatePasswordAsync(new ValidatePasswordDto { Email = email, Username = "nobody-at-all", Password = Password }, Ct)).Data!.Valid);
        AssertError(await client.ValidatePasswordAsync(new ValidatePasswordDto { Password = Password }, Ct), 400, ApiCodes.InvalidArgument);
    }

    [Fact]
    public async Task ValidatePassword_CountsWrongPasswordsLikeASignIn_UntilTheIdentifierLocks()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);

        for (var i = 0; i < 10; i++)
        {
            Assert.False((await client.ValidatePasswordAsync(new ValidatePasswordDto { Email = email, Password = "not the password" }, Ct)).Data!.Valid);
        }

        AssertError(await client.ValidatePasswordAsync(new ValidatePasswordDto { Email = email, Password = Password }, Ct), 403, ApiCodes.LockedAfterFailedLogins);
        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.LockedAfterFailedLogins);
    }
}
