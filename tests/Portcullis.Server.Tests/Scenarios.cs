using System.Text.Json;
using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;

namespace Portcullis.Server.Tests;

/// <summary>Intent helpers: what a test wants to happen, not how the wire does it.</summary>
public static class Scenarios
{
    public const string Password = Testing.TestUsers.Password;

    public static string NewEmail() => Testing.TestUsers.NewEmail();

    public static async Task<(string Email, string UserId)> SignUpAsync(AuthenticationClient client)
    {
        var email = NewEmail();
        var answer = await client.SignUpByEmailPasswordAsync(email, Password, ct: TestContext.Current.CancellationToken);
        AssertOk(answer);
        return (email, answer.Data!.UserId);
    }

    public static async Task<LoginTokenDto> SignUpAndSignInAsync(AuthenticationClient client, string scope = "openid profile email offline_access")
    {
        var (email, _) = await SignUpAsync(client);
        return await SignInAsync(client, email, scope);
    }

    /// <summary>One more session of an existing user: tokens of their own, a refresh-token family of its own.</summary>
    public static async Task<LoginTokenDto> SignInAsync(AuthenticationClient client, string email, string scope = "openid profile email offline_access")
    {
        var answer = await client.SignInByEmailPasswordAsync(email, Password, new SignInOptions { Scope = scope }, TestContext.Current.CancellationToken);
        AssertOk(answer);
        return answer.Data!;
    }

    /// <summary>The access token works: get-profile answers and introspection says active. Leaves it set on the client.</summary>
    public static async Task AssertAccessTokenAcceptedAsync(AuthenticationClient client, string accessToken)
    {
        client.SetAccessToken(accessToken);
        AssertOk(await client.GetProfileAsync(TestContext.Current.CancellationToken));
        Assert.True((await client.IntrospectTokenAsync(accessToken, TestContext.Current.CancellationToken)).Active, "introspection should say active");
    }

    /// <summary>The access token is refused: get-profile answers the 401 envelope and introspection says inactive.</summary>
    public static async Task AssertAccessTokenRefusedAsync(AuthenticationClient client, string accessToken)
    {
        client.SetAccessToken(accessToken);
        AssertError(await client.GetProfileAsync(TestContext.Current.CancellationToken), 401, ApiCodes.NotLoggedIn);
        Assert.False((await client.IntrospectTokenAsync(accessToken, TestContext.Current.CancellationToken)).Active, "introspection should say inactive");
    }

    /// <summary>Asserts success and prints the whole answer when it is not.</summary>
    public static void AssertOk(ApiResponse answer) =>
        Assert.True(answer.StatusCode == 200, "Expected success, got: " + Describe(answer));

    public static void AssertError(ApiResponse answer, int statusCode, int apiCode)
    {
        Assert.True(answer.StatusCode == statusCode && answer.ApiCode == apiCode,
            $"Expected {statusCode}/{apiCode}, got: " + Describe(answer));
        Assert.False(string.IsNullOrWhiteSpace(answer.Message));
        Assert.True(Guid.TryParse(answer.RequestId, out _), "requestId missing: " + Describe(answer));
    }

    public static string Describe(ApiResponse answer) => JsonSerializer.Serialize(answer, answer.GetType());
}
