using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Applications;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class AccountTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignUp_ByEmail_ReturnsUserWithNormalisedEmail()
    {
        using var client = server.Client();
        var email = NewEmail();

        var answer = await client.SignUpByEmailPasswordAsync("  " + email.ToUpperInvariant() + " ", Password, new SignUpProfile { Nickname = "Ada" }, Ct);

        AssertOk(answer);
        Assert.Equal(email, answer.Data!.Email);
        Assert.Equal("Ada", answer.Data.Nickname);
        Assert.Matches("^[0-9a-f]{24}$", answer.Data.UserId);
        Assert.Equal("Activated", answer.Data.Status);
    }

    [Fact]
    public async Task SignUp_ByUsername_ThenSignInByAccount_Works()
    {
        using var client = server.Client();
        var username = "user_" + Guid.NewGuid().ToString("N")[..10];
        AssertOk(await client.SignUpByUsernamePasswordAsync(username, Password, ct: Ct));

        var byUsername = await client.SignInByUsernamePasswordAsync(username, Password, ct: Ct);
        var byAccount = await client.SignInByAccountPasswordAsync(username.ToUpperInvariant(), Password, ct: Ct);

        AssertOk(byUsername);
        AssertOk(byAccount);
    }

    [Fact]
    public async Task SignUp_WithTakenEmail_ReturnsUserExists()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);

        var again = await client.SignUpByEmailPasswordAsync(email, Password + "x", ct: Ct);

        AssertError(again, 409, ApiCodes.UserAlreadyExists);
    }

    [Fact]
    public async Task SignUp_WithShortPassword_ReturnsWeakPassword()
    {
        using var client = server.Client();

        var answer = await client.SignUpByEmailPasswordAsync(NewEmail(), "short", ct: Ct);

        AssertError(answer, 400, ApiCodes.WeakPassword);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("not-an-email", null)]
    [InlineData(null, "bad username!")]
    public async Task SignUp_WithBadIdentifier_ReturnsInvalidArgument(string? email, string? username)
    {
        using var client = server.Client();

        var answer = await client.SignUpAsync(new SignUpDto
        {
            Connection = Connections.Password,
            PasswordPayload = new SignUpPasswordPayload { Email = email, Username = username, Password = Password },
        }, Ct);

        AssertError(answer, 400, ApiCodes.InvalidArgument);
    }

    [Fact]
    public async Task SignUp_WithUnknownConnection_ReturnsInvalidArgument()
    {
        using var client = server.Client();

        var answer = await client.SignUpAsync(new SignUpDto { Connection = "CARRIER_PIGEON" }, Ct);

        AssertError(answer, 400, ApiCodes.InvalidArgument);
    }

    [Fact]
    public async Task SignUp_WithUnknownApp_ReturnsAppNotFound()
    {
        using var client = server.Client("no-such-app", "whatever-secret-123", Portcullis.Client.TokenEndPointAuthMethod.ClientSecretPost);

        var answer = await client.SignUpByEmailPasswordAsync(NewEmail(), Password, ct: Ct);

        AssertError(answer, 404, ApiCodes.AppNotFound);
    }

    [Theory]
    [InlineData(TokenEndpointAuthMethod.ClientSecretPost)]
    [InlineData(TokenEndpointAuthMethod.ClientSecretBasic)]
    [InlineData(TokenEndpointAuthMethod.None)]
    public async Task SignIn_WithEachClientAuthMethod_ReturnsTokens(TokenEndpointAuthMethod method)
    {
        using var client = server.Client(method);

        var tokens = await SignUpAndSignInAsync(client);

        Assert.NotNull(tokens.AccessToken);
        Assert.NotNull(tokens.IdToken);
        Assert.NotNull(tokens.RefreshToken);
        Assert.Equal("bearer", tokens.TokenType);
        Assert.Equal(7200, tokens.ExpireIn);
        Assert.Equal("openid profile email offline_access", tokens.Scope);
    }

    [Fact]
    public async Task SignIn_WithoutOfflineAccess_IssuesNoRefreshToken()
    {
        using var client = server.Client();

        var tokens = await SignUpAndSignInAsync(client, scope: "");

        Assert.Equal("openid profile", tokens.Scope);
        Assert.Null(tokens.RefreshToken);
        Assert.NotNull(tokens.IdToken);
    }

    [Fact]
    public async Task SignIn_WithWrongPasswordOrUnknownUser_ReturnsTheSameAnswer()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);

        var wrongPassword = await client.SignInByEmailPasswordAsync(email, "wrong password!", ct: Ct);
        var unknownUser = await client.SignInByEmailPasswordAsync(NewEmail(), Password, ct: Ct);

        AssertError(wrongPassword, 403, ApiCodes.BadCredentials);
        AssertError(unknownUser, 403, ApiCodes.BadCredentials);
        Assert.Equal("Account not exists or password is incorrect.", wrongPassword.Message);
        Assert.Equal(wrongPassword.Message, unknownUser.Message);
    }

    [Fact]
    public async Task SignIn_InChinese_ReturnsChineseMessage()
    {
        using var client = server.Client(lang: "zh-CN");

        var answer = await client.SignInByEmailPasswordAsync(NewEmail(), Password, ct: Ct);

        AssertError(answer, 403, ApiCodes.BadCredentials);
        Assert.Equal("账号不存在或密码错误", answer.Message);
    }

    [Theory]
    [InlineData(TokenEndpointAuthMethod.ClientSecretPost)]
    [InlineData(TokenEndpointAuthMethod.ClientSecretBasic)]
    public async Task SignIn_WithWrongClientSecret_ReturnsClientAuthenticationFailed(TokenEndpointAuthMethod method)
    {
        using var good = server.Client(method);
        var (email, _) = await SignUpAsync(good);
        using var bad = server.Client(server.Apps[method].AppId, "0000000000000000wrong", Testing.TestServer.ToClient(method));

        var answer = await bad.SignInByEmailPasswordAsync(email, Password, ct: Ct);

        AssertError(answer, 401, ApiCodes.ClientAuthenticationFailed);
        Assert.Null(answer.Data);
    }

    [Fact]
    public async Task SignIn_SecretApp_WithoutAnySecret_ReturnsClientAuthenticationFailed()
    {
        using var good = server.Client(TokenEndpointAuthMethod.ClientSecretBasic);
        var (email, _) = await SignUpAsync(good);
        using var noSecret = server.Client(server.Apps[TokenEndpointAuthMethod.ClientSecretBasic].AppId, null, Portcullis.Client.TokenEndPointAuthMethod.None);

        var answer = await noSecret.SignInByEmailPasswordAsync(email, Password, ct: Ct);

        AssertError(answer, 401, ApiCodes.ClientAuthenticationFailed);
    }

    [Fact]
    public async Task SignIn_UserOfAnotherPool_IsUnknown()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        var otherPoolApp = await server.CreateAppAsync(TokenEndpointAuthMethod.ClientSecretPost, pool: "other-pool-" + Guid.NewGuid().ToString("N")[..6]);
        using var other = server.Client(otherPoolApp.AppId, otherPoolApp.Secret, Portcullis.Client.TokenEndPointAuthMethod.ClientSecretPost);

        var answer = await other.SignInByEmailPasswordAsync(email, Password, ct: Ct);

        AssertError(answer, 403, ApiCodes.BadCredentials);
    }

    [Fact]
    public async Task GetProfile_AfterSignIn_ReturnsTheUser()
    {
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct));

        var profile = await client.GetProfileAsync(Ct);

        AssertOk(profile);
        Assert.Equal(userId, profile.Data!.UserId);
        Assert.Equal(email, profile.Data.Email);
        Assert.Equal(1, profile.Data.LoginsCount);
        Assert.NotNull(profile.Data.LastLogin);
    }
}
