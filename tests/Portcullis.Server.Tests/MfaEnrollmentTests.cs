using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Audit;
using Portcullis.Core.Factors.Otp;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>Two-step binding of OTP, SMS and EMAIL factors, and everything that must go wrong cleanly.</summary>
public sealed class MfaEnrollmentTests(MfaEnrollmentTests.Server server) : IClassFixture<MfaEnrollmentTests.Server>
{
    public sealed class Server : TestServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Otp_SendEnrollFactorRequest_AnswersTokenUriQrCodeAndRecoveryCode()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        var (data, seed) = await StartOtpAsync(client);

        Assert.True(Convert.FromBase64String(data.EnrollmentToken).Length >= 16, "enrollmentToken must carry at least 128 bits");
        Assert.Matches(new Regex(@"^otpauth://totp/Portcullis:[^?]+\?secret=[A-Z2-7]{32}&period=30&digits=6&algorithm=SHA1&issuer=Portcullis$"), data.OtpData!.QrCodeUri);
        Assert.Equal(20, seed.Length);
        Assert.StartsWith("data:image/png;base64,", data.OtpData.QrCodeDataUrl, StringComparison.Ordinal);
        var png = Convert.FromBase64String(data.OtpData.QrCodeDataUrl["data:image/png;base64,".Length..]);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        Assert.Matches(new Regex("^[a-z2-7]{4}(-[a-z2-7]{4}){5}$"), data.OtpData.RecoveryCode);
    }

    [Fact]
    public async Task Otp_FullCycle_EnrollListGetVerifyReset()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var toEnrollBefore = await client.ListFactorsToEnrollAsync(Ct);
        Assert.Equal(["OTP", "SMS", "EMAIL", "FACE"], toEnrollBefore.Data!.Select(f => f.FactorType));

        var (seed, _) = await EnrollOtpAsync(client, server);

        var listed = await client.ListEnrolledFactorsAsync(Ct);
        AssertOk(listed);
        var factor = Assert.Single(listed.Data!);
        Assert.Equal("OTP", factor.FactorType);
        var got = await client.GetFactorAsync(factor.FactorId, Ct);
        AssertOk(got);
        Assert.Equal(factor.FactorId, got.Data!.FactorId);
        Assert.Equal(["SMS", "EMAIL", "FACE"], (await client.ListFactorsToEnrollAsync(Ct)).Data!.Select(f => f.FactorType));

        // The code that confirmed enrollment is spent: the same step is a replay.
        var replay = await client.MfaOtpVerifyAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct);
        AssertError(replay, 400, ApiCodes.WrongTotp);
        Assert.False(replay.Data!.Verified);

        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = TotpVerifier.Compute(seed, server.Clock.GetUtcNow());
        var verified = await client.MfaOtpVerifyAsync(next, Ct);
        AssertOk(verified);
        Assert.True(verified.Data!.Verified);
        AssertError(await client.MfaOtpVerifyAsync(next, Ct), 400, ApiCodes.WrongTotp);

        AssertOk(await client.ResetFactorAsync(factor.FactorId, Ct));
        Assert.Empty((await client.ListEnrolledFactorsAsync(Ct)).Data!);
        AssertError(await client.MfaOtpVerifyAsync(next, Ct), 400, ApiCodes.TotpNotBound);
    }

    [Fact]
    public async Task Otp_SeedIsNeverReturnedAfterEnrollment()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (seed, _) = await EnrollOtpAsync(client, server);
        using var http = server.RawHttp();
        http.DefaultRequestHeaders.TryAddWithoutValidation("authorization", client.AccessToken);

        var listed = await http.GetStringAsync("api/v3/list-enrolled-factors", Ct);

        Assert.DoesNotContain(OtpNet.Base32Encoding.ToString(seed).TrimEnd('='), listed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", listed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Otp_WithWrongCode_IsRefused_AndThenTheRightCodeStillWorks()
    {
        using var client = server.Client(lang: "zh-CN");
        await SignUpAndSignInAsync(client);
        var (data, seed) = await StartOtpAsync(client);
        var right = TotpVerifier.Compute(seed, server.Clock.GetUtcNow());

        var wrong = await EnrollAsync(client, "OTP", data.EnrollmentToken, Wrong(right));

        AssertError(wrong, 400, ApiCodes.WrongTotp);
        Assert.Equal("安全码错误，请重新输入", wrong.Message);
        AssertOk(await EnrollAsync(client, "OTP", data.EnrollmentToken, right));
    }

    [Fact]
    public async Task Sms_EnrollWithTheCodeThatWasSent_BindsThePhone()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var phone = NewPhone();

        var (token, code) = await StartSmsAsync(client, server, phone);
        var enrolled = await EnrollAsync(client, "SMS", token, code);

        AssertOk(enrolled);
        var factor = Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!);
        Assert.Equal("SMS", factor.FactorType);
        Assert.Equal(phone, factor.Profile.PhoneNumber);
        Assert.Equal("+86", factor.Profile.PhoneCountryCode);
        Assert.Contains(code, server.Outbox.LastTo("+86" + phone)!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_EnrollWithTheCodeThatWasSent_BindsTheAddress()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var email = NewEmail();

        var (token, code) = await StartEmailAsync(client, server, email);

        AssertOk(await EnrollAsync(client, "EMAIL", token, code));
        Assert.Equal(email, Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!).Profile.Email);
    }

    [Fact]
    public async Task Sms_SecondSendWithinAMinute_Answers422_UntilTheMinuteIsOver()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var phone = NewUsPhone();
        await StartSmsAsync(client, server, phone, "+1");

        var again = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "SMS", Profile = new() { PhoneNumber = phone, PhoneCountryCode = "+1" } }, Ct);

        AssertError(again, 422, ApiCodes.SendThrottled);
        Assert.Matches("retry in [0-9]+ seconds", again.Message);
        server.Clock.Advance(TimeSpan.FromSeconds(60));
        var (token, code) = await StartSmsAsync(client, server, phone, "+1");
        AssertOk(await EnrollAsync(client, "SMS", token, code));
    }

    [Fact]
    public async Task EnrollmentToken_AfterAMinute_IsExpired()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (token, code) = await StartEmailAsync(client, server, NewEmail());

        server.Clock.Advance(TimeSpan.FromSeconds(61));

        AssertError(await EnrollAsync(client, "EMAIL", token, code), 400, ApiCodes.EnrollmentTokenExpired);
    }

    [Fact]
    public async Task EnrollmentToken_UsedTwice_IsInvalid()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (token, code) = await StartEmailAsync(client, server, NewEmail());
        AssertOk(await EnrollAsync(client, "EMAIL", token, code));

        AssertError(await EnrollAsync(client, "EMAIL", token, code), 400, ApiCodes.EnrollmentTokenInvalid);
    }

    [Fact]
    public async Task EnrollmentToken_OfAnotherUser_IsInvalid_AndUnknownTokensAnswerTheSame()
    {
        using var alice = server.Client();
        await SignUpAndSignInAsync(alice);
        using var mallory = server.Client();
        await SignUpAndSignInAsync(mallory);
        var (token, code) = await StartEmailAsync(alice, server, NewEmail());

        var foreign = await EnrollAsync(mallory, "EMAIL", token, code);
        var made_up = await EnrollAsync(mallory, "SMS", "TQoCISidM0kBji0dxRi3afSDtkvvMiUphenIgLF87y+JOw4T8fDWOsHHXIcvZ2EVESXhTrfGyh1iGf52Cg9e9byeFQvm1VZ0QWrwmzwpntFAVtf1IP9LqVhmzXhBMFvLOcU/z1Eh/n0CrwX0uHNpJoMW9lp9AqHd9HvauaGKX+Y=", "123456");

        AssertError(foreign, 400, ApiCodes.EnrollmentTokenInvalid);
        AssertError(made_up, 400, ApiCodes.EnrollmentTokenInvalid);
        Assert.Equal(foreign.Message, made_up.Message);
        AssertOk(await EnrollAsync(alice, "EMAIL", token, code));
    }

    [Fact]
    public async Task EnrollmentToken_ForAnotherFactorType_IsRefused()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (token, code) = await StartEmailAsync(client, server, NewEmail());

        AssertError(await EnrollAsync(client, "SMS", token, code), 400, ApiCodes.FactorTypeMismatch);
    }

    [Fact]
    public async Task EnrollmentToken_AfterFiveWrongCodes_IsDead_EvenForTheRightCode()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (token, code) = await StartEmailAsync(client, server, NewEmail());

        for (var i = 0; i < 5; i++)
        {
            AssertError(await EnrollAsync(client, "EMAIL", token, Wrong(code)), 400, ApiCodes.CodeWrong);
        }

        AssertError(await EnrollAsync(client, "EMAIL", token, code), 403, ApiCodes.EnrollmentTokenExhausted);
    }

    [Fact]
    public async Task EnrollmentToken_ParallelWrongCodes_AreCountedExactlyToTheLimit()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (token, code) = await StartEmailAsync(client, server, NewEmail());

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => EnrollAsync(client, "EMAIL", token, Wrong(code))));

        Assert.Equal(5, answers.Count(a => a.ApiCode == ApiCodes.CodeWrong));
        Assert.Equal(15, answers.Count(a => a.ApiCode == ApiCodes.EnrollmentTokenExhausted));
        AssertError(await EnrollAsync(client, "EMAIL", token, code), 403, ApiCodes.EnrollmentTokenExhausted);
    }

    [Fact]
    public async Task AlreadyBoundFactor_CannotBeRequestedAgain()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        await EnrollOtpAsync(client, server);

        var again = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "OTP", Profile = new() }, Ct);

        AssertError(again, 409, ApiCodes.FactorAlreadyBound);
    }

    [Fact]
    public async Task TwoPendingEnrollmentsOfOneType_OnlyTheFirstToFinishBinds()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (first, seed1) = await StartOtpAsync(client);
        var (second, seed2) = await StartOtpAsync(client);

        AssertOk(await EnrollAsync(client, "OTP", first.EnrollmentToken, TotpVerifier.Compute(seed1, server.Clock.GetUtcNow())));

        AssertError(await EnrollAsync(client, "OTP", second.EnrollmentToken, TotpVerifier.Compute(seed2, server.Clock.GetUtcNow())), 409, ApiCodes.FactorAlreadyBound);
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "{\"factorType\":\"CARRIER_PIGEON\",\"profile\":{}}", "factorType" },
        { "{\"factorType\":\"otp\",\"profile\":{}}", "factorType" },
        { "{\"profile\":{}}", "factorType" },
        { "{\"factorType\":\"SMS\",\"profile\":{}}", "profile.phoneNumber" },
        { "{\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":\"12ab\"}}", "profile.phoneNumber" },
        { "{\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":\"13800138000\",\"phoneCountryCode\":\"86\"}}", "profile.phoneCountryCode" },
        { "{\"factorType\":\"EMAIL\",\"profile\":{\"email\":\"nope\"}}", "profile.email" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task SendEnrollFactorRequest_WithBadFields_AnswersInvalidArgumentNamingTheField(string body, string field)
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-enroll-factor-request") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("authorization", tokens.AccessToken);
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);

        using var response = await http.SendAsync(request, Ct);
        var answer = System.Text.Json.JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(Ct), Contracts.PortcullisJsonContext.Default.ApiResponse)!;

        AssertError(answer, 400, ApiCodes.InvalidArgument);
        Assert.Contains(field, answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrollFactor_WithWrongTypedFields_Answers400Envelope()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/enroll-factor")
        {
            Content = new StringContent("{\"factorType\":\"OTP\",\"enrollmentToken\":\"x\",\"enrollmentData\":{\"passCode\":123456}}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("authorization", tokens.AccessToken);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"apiCode\":9400", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrollFactor_WithoutToken_AnswersInvalidArgument()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        var answer = await client.EnrollFactorAsync(new EnrollFactorDto { FactorType = "OTP", EnrollmentData = new() { PassCode = "123456" } }, Ct);

        AssertError(answer, 400, ApiCodes.InvalidArgument);
    }

    [Fact]
    public async Task AnotherUsersFactorId_AnswersNotFound()
    {
        using var alice = server.Client();
        await SignUpAndSignInAsync(alice);
        await EnrollOtpAsync(alice, server);
        var factorId = Assert.Single((await alice.ListEnrolledFactorsAsync(Ct)).Data!).FactorId;
        using var mallory = server.Client();
        await SignUpAndSignInAsync(mallory);

        AssertError(await mallory.GetFactorAsync(factorId, Ct), 404, ApiCodes.FactorNotFound);
        AssertError(await mallory.ResetFactorAsync(factorId, Ct), 404, ApiCodes.FactorNotFound);
        AssertError(await mallory.GetFactorAsync("no-such-factor", Ct), 404, ApiCodes.FactorNotFound);
        Assert.Single((await alice.ListEnrolledFactorsAsync(Ct)).Data!);
    }

    [Fact]
    public async Task MfaEndpoints_WithoutAToken_AnswerNotLoggedIn()
    {
        using var client = server.Client();

        AssertError(await client.SendEnrollFactorRequestAsync(new() { FactorType = "OTP" }, Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.EnrollFactorAsync(new() { FactorType = "OTP", EnrollmentToken = "x" }, Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.ListEnrolledFactorsAsync(Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.ListFactorsToEnrollAsync(Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.GetFactorAsync("x", Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.ResetFactorAsync("x", Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.MfaOtpVerifyAsync("123456", Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task EnrollAndReset_AreAuditEvents()
    {
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct));
        var (token, code) = await StartEmailAsync(client, server, NewEmail());
        AssertError(await EnrollAsync(client, "EMAIL", token, Wrong(code)), 400, ApiCodes.CodeWrong);
        AssertOk(await EnrollAsync(client, "EMAIL", token, code));
        AssertOk(await client.ResetFactorAsync(Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!).FactorId, Ct));

        await using var scope = server.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().ListForUserAsync(userId, 10, Ct);

        Assert.Equal([AuditTypes.Reset, AuditTypes.Enrolled, AuditTypes.EnrollFailed, AuditTypes.EnrollRequested], events.Select(e => e.Type));
        Assert.All(events, e => Assert.DoesNotContain(code, e.Detail ?? "", StringComparison.Ordinal));
    }
}
