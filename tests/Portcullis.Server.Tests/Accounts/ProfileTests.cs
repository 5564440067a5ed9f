using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Portcullis.Client;
using Portcullis.Contracts;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>A profile update as a user makes it, run on each database's server.</summary>
public static class ProfileScenarios
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static UpdateUserProfileDto EveryField(string username) => new()
    {
        Name = "Ada King",
        Nickname = "Ada",
        GivenName = "Augusta Ada",
        FamilyName = "King",
        Photo = "https://example.com/ada.png",
        ExternalId = "crm-1815",
        Birthdate = "1915-12-10",
        Country = "GB",
        Province = "Middlesex",
        City = "London",
        Address = "12 St James's Square, London",
        StreetAddress = "12 St James's Square",
        PostalCode = "SW1Y 4JH",
        Company = "Analytical Engines Ltd",
        Gender = "F",
        Username = username,
    };

    /// <summary>Every field set answers the whole profile, get-profile answers the same, the new username signs in.</summary>
    public static async Task EveryFieldIsStoredAndAnsweredAsync(TestServer server)
    {
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var username = "ada-" + Guid.NewGuid().ToString("N")[..12];

        var updated = await client.UpdateProfileAsync(EveryField(username), Ct);

        AssertOk(updated);
        var profile = updated.Data!;
        Assert.Equal(userId, profile.UserId);
        Assert.Equal(email, profile.Email);
        AssertEveryField(profile, username);
        AssertEveryField((await client.GetProfileAsync(Ct)).Data!, username);
        AssertOk(await client.SignInByUsernamePasswordAsync(username, Password, ct: Ct));
    }

    /// <summary>The (pool, username) unique index refuses another account's username (in any case): 409/2026, nothing written.</summary>
    public static async Task AUsernameAnotherAccountHasIsRefusedAsync(TestServer server)
    {
        using var other = server.Client();
        var taken = "taken-" + Guid.NewGuid().ToString("N")[..12];
        AssertOk(await other.SignUpByUsernamePasswordAsync(taken, Password, ct: Ct));
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var mine = "mine-" + Guid.NewGuid().ToString("N")[..12];
        AssertOk(await client.UpdateProfileAsync(new UpdateUserProfileDto { Username = mine }, Ct));

        AssertError(await client.UpdateProfileAsync(new UpdateUserProfileDto { Username = taken.ToUpperInvariant(), Nickname = "Ada" }, Ct), 409, ApiCodes.UserAlreadyExists);

        var profile = (await client.GetProfileAsync(Ct)).Data!;
        Assert.Equal(mine, profile.Username);
        Assert.Null(profile.Nickname);
        AssertOk(await client.UpdateProfileAsync(new UpdateUserProfileDto { Nickname = "Ada" }, Ct));
    }

    public static void AssertEveryField(UserDto profile, string username)
    {
        var expected = EveryField(username);
        Assert.Equal<IEnumerable<string?>>(
            [expected.Name, expected.Nickname, expected.GivenName, expected.FamilyName, expected.Photo, expected.ExternalId, expected.Birthdate,
             expected.Country, expected.Province, expected.City, expected.Address, expected.StreetAddress, expected.PostalCode, expected.Company,
             expected.Gender, username],
            [profile.Name, profile.Nickname, profile.GivenName, profile.FamilyName, profile.Photo, profile.ExternalId, profile.Birthdate,
             profile.Country, profile.Province, profile.City, profile.Address, profile.StreetAddress, profile.PostalCode, profile.Company,
             profile.Gender, profile.Username]);
    }
}

/// <summary><c>POST /api/v3/update-profile</c> and what get-profile, ID tokens and userinfo say afterwards.</summary>
public sealed class ProfileTests(ProfileTests.Server server) : IClassFixture<ProfileTests.Server>
{
    public sealed class Server : AccountServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task EveryField_IsStored_AndGetProfileAnswersIt() => ProfileScenarios.EveryFieldIsStoredAndAnsweredAsync(server);

    [Fact]
    public async Task AnAbsentField_Stays_AndAnEmptyOne_IsCleared()
    {
        using var client = await SignedInAsync();
        AssertOk(await client.UpdateProfileAsync(new UpdateUserProfileDto { Nickname = "Ada", City = "London", Company = "Engines" }, Ct));

        var updated = await client.UpdateProfileAsync(new UpdateUserProfileDto { City = "", Company = "  Difference Ltd  " }, Ct);

        AssertOk(updated);
        Assert.Equal("Ada", updated.Data!.Nickname);
        Assert.Null(updated.Data.City);
        Assert.Equal("Difference Ltd", updated.Data.Company);
        Assert.Null((await client.GetProfileAsync(Ct)).Data!.City);
    }

    [Fact]
    public async Task TheProfile_ReachesTheIdTokenAndUserinfo_AsOpenIdConnectClaims()
    {
        var (client, email) = await SignedInWithEmailAsync();
        using var _ = client;
        AssertOk(await client.UpdateProfileAsync(ProfileScenarios.EveryField("claims-" + Guid.NewGuid().ToString("N")[..12]), Ct));

        var tokens = (await client.SignInByEmailPasswordAsync(email, Password, new SignInOptions { Scope = "openid profile address" }, Ct)).Data!;
        var idToken = new JsonWebToken(tokens.IdToken);
        string Claim(string type) => idToken.Claims.Single(c => c.Type == type).Value;
        Assert.Equal("Ada King", Claim("name"));
        Assert.Equal("Augusta Ada", Claim("given_name"));
        Assert.Equal("King", Claim("family_name"));
        Assert.Equal("https://example.com/ada.png", Claim("picture"));
        Assert.Equal("female", Claim("gender"));
        Assert.Equal("1915-12-10", Claim("birthdate"));
        using var address = JsonDocument.Parse(Claim("address"));
        Assert.Equal("London", address.RootElement.GetProperty("locality").GetString());
        Assert.Equal("SW1Y 4JH", address.RootElement.GetProperty("postal_code").GetString());

        var me = await client.GetUserInfoAsync(Ct);
        Assert.Equal<IEnumerable<string?>>(["Ada King", "Augusta Ada", "King", "https://example.com/ada.png", "female", "1915-12-10"],
            [me.Name, me.GivenName, me.FamilyName, me.Picture, me.Gender, me.Birthdate]);
        Assert.Equal("12 St James's Square", me.Address!["street_address"]);
        Assert.Equal("GB", me.Address["country"]);
    }

    [Theory]
    [InlineData("birthdate", "2022-13-01")]
    [InlineData("birthdate", "03/06/2022")]
    [InlineData("birthdate", "1899-12-31")]
    [InlineData("birthdate", "2999-01-01")]
    [InlineData("photo", "http://example.com/ada.png")]
    [InlineData("photo", "not a link")]
    [InlineData("photo", "https://user:secret@example.com/ada.png")]
    [InlineData("photo", "/relative/ada.png")]
    [InlineData("gender", "X")]
    [InlineData("gender", "")]
    [InlineData("username", "has space")]
    [InlineData("nickname", "bell\u0007")]
    [InlineData("name", "101")]
    [InlineData("postalCode", "33")]
    public async Task ABadValue_Is9401NamingTheField_AndNothingIsWritten(string field, string value)
    {
        using var client = await SignedInAsync();
        if (int.TryParse(value, out var length))
        {
            value = new string('x', length);
        }

        var (answer, body) = await PostRawAsync(client, $$"""{"city":"Paris",{{JsonSerializer.Serialize(field)}}:{{JsonSerializer.Serialize(value)}}}""");

        AssertError(answer, 400, ApiCodes.InvalidArgument);
        Assert.Contains(field, answer.Message, StringComparison.Ordinal);
        Assert.Null((await client.GetProfileAsync(Ct)).Data!.City);
        Assert.DoesNotContain("\"data\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"nickname":"Ada","email":"other@example.com"}""", "email")]
    [InlineData("""{"nickname":"Ada","phone":"13800000000"}""", "phone")]
    [InlineData("""{"nickname":"Ada","password":"a new passphrase"}""", "password")]
    [InlineData("""{"nickname":"Ada","middleName":"Byron"}""", "middleName")]
    [InlineData("""{"nickname":"Ada","identityNumber":"110101190001011234"}""", "identityNumber")]
    [InlineData("""{"nickname":"Ada","customData":{"school":"home"}}""", "customData")]
    [InlineData("""{"nickname":"Ada","customData":[]}""", "customData")]
    public async Task AFieldPortcullisDoesNotStore_IsRefusedByName_AndNothingIsWritten(string json, string field)
    {
        using var client = await SignedInAsync();

        var (answer, _) = await PostRawAsync(client, json);

        AssertError(answer, 400, ApiCodes.InvalidArgument);
        Assert.Contains(field, answer.Message, StringComparison.Ordinal);
        Assert.Null((await client.GetProfileAsync(Ct)).Data!.Nickname);
    }

    [Theory]
    [InlineData("""{"nickname":"Ada","customData":{}}""")]
    [InlineData("""{"nickname":"Ada","customData":null,"name":null}""")]
    public async Task EmptyCustomData_AndNulls_AreAccepted(string json)
    {
        using var client = await SignedInAsync();

        var (answer, _) = await PostRawAsync(client, json);

        AssertOk(answer);
        Assert.Equal("Ada", (await client.GetProfileAsync(Ct)).Data!.Nickname);
    }

    [Theory]
    [InlineData("""{"nickname":5}""")]
    [InlineData("""{"nickname":"Ada""")]
    [InlineData("""[]""")]
    public async Task MalformedJson_Is9400(string json)
    {
        using var client = await SignedInAsync();

        var (answer, _) = await PostRawAsync(client, json);

        AssertError(answer, 400, ApiCodes.MalformedRequest);
    }

    [Fact]
    public Task AUsernameAnotherAccountHas_Is409_2026_AndTheOldOneStays() => ProfileScenarios.AUsernameAnotherAccountHasIsRefusedAsync(server);

    [Fact]
    public async Task TheUsernameOfAUsernameOnlyAccount_CannotBeCleared()
    {
        using var client = server.Client();
        var username = "only-" + Guid.NewGuid().ToString("N")[..12];
        AssertOk(await client.SignUpByUsernamePasswordAsync(username, Password, ct: Ct));
        AssertOk(await client.SignInByUsernamePasswordAsync(username, Password, ct: Ct));

        AssertError(await client.UpdateProfileAsync(new UpdateUserProfileDto { Username = "" }, Ct), 422, ApiCodes.LastSignInMethod);

        Assert.Equal(username, (await client.GetProfileAsync(Ct)).Data!.Username);
    }

    [Fact]
    public async Task WithoutASignedInUser_Is2020()
    {
        using var client = server.Client();

        AssertError(await client.UpdateProfileAsync(new UpdateUserProfileDto { Nickname = "Ada" }, Ct), 401, ApiCodes.NotLoggedIn);
    }

    private async Task<AuthenticationClient> SignedInAsync() => (await SignedInWithEmailAsync()).Client;

    private async Task<(AuthenticationClient Client, string Email)> SignedInWithEmailAsync()
    {
        var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        return (client, email);
    }

    /// <summary>A raw body, exactly as given, with the client's token.</summary>
    private async Task<(ApiResponse Answer, string Body)> PostRawAsync(AuthenticationClient client, string json)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/update-profile") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-authing-app-id", client.AppId);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.AccessToken);
        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        return (JsonSerializer.Deserialize(body, PortcullisJsonContext.Default.ApiResponse)!, body);
    }
}
