using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Tests.Fakes;

namespace Portcullis.Core.Tests.Applications;

public sealed class ClientAuthenticatorTests
{
    private const string AppId = "64f0c0ffee0000000000a001";
    private const string Secret = "0123456789abcdef0123456789abcdef";

    private readonly ClientAuthenticator _authenticator = new(new IdentitySecretProtector());

    public static TheoryData<TokenEndpointAuthMethod> SecretMethods => [TokenEndpointAuthMethod.ClientSecretPost, TokenEndpointAuthMethod.ClientSecretBasic];

    // Public clients (none).

    [Fact]
    public void None_NoCredentialsAtAll_IsAccepted()
    {
        AssertAccepted(TokenEndpointAuthMethod.None, new ClientCredentials(null, null, null, null));
    }

    [Fact]
    public void None_BodyClientIdOfTheApp_IsAccepted()
    {
        AssertAccepted(TokenEndpointAuthMethod.None, new ClientCredentials(null, null, AppId, null));
    }

    [Fact]
    public void None_ClientIdOfAnotherApp_IsRejected()
    {
        AssertRejected(TokenEndpointAuthMethod.None, new ClientCredentials(null, null, "another-app", null));
        AssertRejected(TokenEndpointAuthMethod.None, new ClientCredentials("another-app", "", null, null));
    }

    [Fact]
    public void None_BasicAndBodyClientIdsDiffer_IsRejected()
    {
        AssertRejected(TokenEndpointAuthMethod.None, new ClientCredentials(AppId, "", "another-app", null));
    }

    // Secret-holding clients: client_secret_post and client_secret_basic accept both forms.

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_SecretInTheBody_IsAccepted(TokenEndpointAuthMethod method)
    {
        AssertAccepted(method, new ClientCredentials(null, null, AppId, Secret));
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_SecretInTheBasicHeader_IsAccepted(TokenEndpointAuthMethod method)
    {
        AssertAccepted(method, new ClientCredentials(AppId, Secret, null, null));
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_BasicAndBodyAgree_IsAccepted(TokenEndpointAuthMethod method)
    {
        // authing-node-sdk sends both at once.
        AssertAccepted(method, new ClientCredentials(AppId, Secret, AppId, Secret));
        AssertAccepted(method, new ClientCredentials(AppId, Secret, AppId, null));
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_BodySecretWithoutClientId_IsAccepted(TokenEndpointAuthMethod method)
    {
        // The application was already identified by the caller (e.g. the x-authing-app-id header); only the secret is proven here.
        AssertAccepted(method, new ClientCredentials(null, null, null, Secret));
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_BasicAndBodyClientIdsDiffer_IsRejected(TokenEndpointAuthMethod method)
    {
        var error = AssertRejected(method, new ClientCredentials(AppId, Secret, "another-app", Secret));

        Assert.Contains("differ", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_BasicRightButBodySecretWrong_IsRejected(TokenEndpointAuthMethod method)
    {
        AssertRejected(method, new ClientCredentials(AppId, Secret, AppId, "wrong"));
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_BodyRightButBasicSecretWrong_IsRejected(TokenEndpointAuthMethod method)
    {
        AssertRejected(method, new ClientCredentials(AppId, "wrong", AppId, Secret));
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_WrongSecret_IsRejected(TokenEndpointAuthMethod method)
    {
        foreach (var wrong in new[] { "wrong", "", Secret.ToUpperInvariant(), Secret[..^1], Secret + " ", " " + Secret })
        {
            var body = AssertRejected(method, new ClientCredentials(null, null, AppId, wrong));
            var basic = AssertRejected(method, new ClientCredentials(AppId, wrong, null, null));

            Assert.Equal("client_secret is wrong", body.Detail);
            Assert.Equal("client_secret is wrong", basic.Detail);
        }
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_BasicHeaderWithoutASecret_IsRejected(TokenEndpointAuthMethod method)
    {
        AssertRejected(method, new ClientCredentials(AppId, null, null, null));
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_MissingSecret_IsRejected_NamingTheMethod(TokenEndpointAuthMethod method)
    {
        var withId = AssertRejected(method, new ClientCredentials(null, null, AppId, null));
        var nothing = AssertRejected(method, new ClientCredentials(null, null, null, null));

        Assert.Contains(method.ToWire(), withId.Detail, StringComparison.Ordinal);
        Assert.Contains("client_secret is required", nothing.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SecretMethods))]
    public void SecretApp_ClientIdOfAnotherAppWithTheRightSecret_IsRejected(TokenEndpointAuthMethod method)
    {
        AssertRejected(method, new ClientCredentials(null, null, "another-app", Secret));
        AssertRejected(method, new ClientCredentials("another-app", Secret, null, null));
        AssertRejected(method, new ClientCredentials("another-app", Secret, "another-app", Secret));
    }

    [Fact]
    public void SecretApp_SecretIsReadThroughTheProtector()
    {
        var app = NewApp(TokenEndpointAuthMethod.ClientSecretPost);
        app.ProtectedSecret = "protected:" + Secret;
        var authenticator = new ClientAuthenticator(new PrefixProtector());

        Assert.True(authenticator.Authenticate(app, new ClientCredentials(null, null, AppId, Secret)).Succeeded);
        Assert.False(authenticator.Authenticate(app, new ClientCredentials(null, null, AppId, app.ProtectedSecret)).Succeeded);
    }

    private static Application NewApp(TokenEndpointAuthMethod method) => new()
    {
        Id = AppId,
        PoolId = "pool1",
        Name = "Test app",
        ProtectedSecret = Secret,
        TokenEndpointAuthMethod = method,
    };

    private void AssertAccepted(TokenEndpointAuthMethod method, ClientCredentials presented)
    {
        var app = NewApp(method);
        var result = _authenticator.Authenticate(app, presented);

        Assert.True(result.Succeeded, $"{method} {presented}: {result.Error}");
        Assert.Same(app, result.Value);
    }

    private Error AssertRejected(TokenEndpointAuthMethod method, ClientCredentials presented)
    {
        var result = _authenticator.Authenticate(NewApp(method), presented);

        Assert.False(result.Succeeded, $"{method} {presented} was accepted");
        Assert.Equal(ErrorKind.ClientAuthenticationFailed, result.Error!.Kind);
        Assert.DoesNotContain(Secret, result.Error.Detail ?? "", StringComparison.Ordinal);
        return result.Error;
    }

    private sealed class PrefixProtector : ISecretProtector
    {
        public string Protect(string plaintext) => "protected:" + plaintext;

        public string Unprotect(string protectedValue) =>
            protectedValue.StartsWith("protected:", StringComparison.Ordinal) ? protectedValue["protected:".Length..] : throw new FormatException();
    }
}
