using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Factors.Otp;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Accounts.ContactScenarios;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>
/// bind-email, unbind-email, bind-phone, unbind-phone and the two-step email and phone changes (docs/account-self-service.md,
/// "Phone and email") over HTTP, on SQLite and PostgreSQL: every refusal, the factor rule, and parallel changes that the unique
/// indexes and the conditional writes decide.
/// </summary>
public abstract class ContactTests(TestServer server)
{
    private readonly ContactScenarios _flows = new(server);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---- bind and unbind

    [Fact]
    public async Task BindEmail_ToAPhoneOnlyAccount_BindsItVerified_ThenThePhoneMayBeUnbound()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (phone, userId) = await _flows.PhoneOnlyUserAsync(client);

        var email = await _flows.BindNewEmailAsync(client);

        var profile = (await client.GetProfileAsync(Ct)).Data!;
        Assert.Equal((email, true), (profile.Email, profile.EmailVerified));
        AssertOk(await client.UnbindPhoneAsync(await _flows.SmsCodeAsync(client, phone, "CHANNEL_UNBIND_PHONE"), Ct));
        profile = (await client.GetProfileAsync(Ct)).Data!;
        Assert.Null(profile.Phone);
        Assert.False(profile.PhoneVerified);
        _flows.PassSendInterval();
        using var elsewhere = server.Client();
        AssertOk(await _flows.EmailCodeSignInAsync(elsewhere, email));
        var audit = await _flows.AuditOfAsync(userId);
        Assert.Contains(audit, e => e is { Type: "account.email.changed", Outcome: "bound" });
        Assert.Contains(audit, e => e is { Type: "account.phone.changed", Outcome: "unbound" });
        Assert.DoesNotContain(audit, e => $"{e.Outcome} {e.Detail}".Contains(email, StringComparison.Ordinal) || $"{e.Outcome} {e.Detail}".Contains(phone, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BindPhone_ToAPasswordAccount_LetsItSignInByPhoneAndPassword()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await PasswordUserAsync(client);

        var phone = await _flows.BindNewPhoneAsync(client);

        var profile = (await client.GetProfileAsync(Ct)).Data!;
        Assert.Equal((phone, "+86", true), (profile.Phone, profile.PhoneCountryCode, profile.PhoneVerified));
        AssertOk(await client.SignInAsync(new SignInDto { Connection = Connections.Password, PasswordPayload = new() { Phone = phone, Password = Password } }, Ct));
    }

    [Fact]
    public async Task Bind_WhenTheAccountHasOne_Is9631_BeforeTheCodeIsSpent()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await PasswordUserAsync(client);
        var phone = await _flows.BindNewPhoneAsync(client);
        _flows.PassSendInterval();
        var other = NewEmail();
        var emailCode = await _flows.EmailCodeAsync(client, other, "CHANNEL_BIND_EMAIL");
        var otherPhone = NewPhone();
        var phoneCode = await _flows.SmsCodeAsync(client, otherPhone, "CHANNEL_BIND_PHONE");

        AssertError(await client.BindEmailAsync(other, emailCode, Ct), 422, ApiCodes.ContactAlreadyBound);
        AssertError(await client.BindPhoneAsync(otherPhone, phoneCode, "+86", Ct), 422, ApiCodes.ContactAlreadyBound);

        var profile = (await client.GetProfileAsync(Ct)).Data!;
        Assert.Equal((email, phone), (profile.Email, profile.Phone));
        Assert.True((await client.PreCheckCodeAsync(EmailPreCheck(other, emailCode, "CHANNEL_BIND_EMAIL"), Ct)).Data!.IsValid, "the refused bind spent the code");
    }

    [Fact]
    public async Task Bind_WithAWrongCode_OrACodeOfAnotherChannel_Is2001_AndNothingIsBound()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await _flows.PhoneOnlyUserAsync(client);
        var email = NewEmail();
        var loginCode = await _flows.EmailCodeAsync(client, email, Channels.Login);

        AssertError(await client.BindEmailAsync(email, loginCode, Ct), 400, ApiCodes.CodeWrong);
        AssertError(await client.BindEmailAsync(email, Wrong(loginCode), Ct), 400, ApiCodes.CodeWrong);
        AssertError(await client.BindEmailAsync(NewEmail(), "123456", Ct), 400, ApiCodes.CodeWrong);

        Assert.Null((await client.GetProfileAsync(Ct)).Data!.Email);
    }

    [Fact]
    public async Task Bind_AnAddressOrNumberOfAnotherAccount_Is409_WithoutSayingWhose()
    {
        server.RequireAvailable();
        using var owner = server.Client();
        var (takenEmail, ownerId) = await PasswordUserAsync(owner);
        var takenPhone = await _flows.BindNewPhoneAsync(owner);
        using var client = server.Client();
        await PasswordUserAsync(client);
        using var phoneOnly = server.Client();
        await _flows.PhoneOnlyUserAsync(phoneOnly);
        var emailAnswer = await phoneOnly.BindEmailAsync(takenEmail, await _flows.EmailCodeAsync(phoneOnly, takenEmail, "CHANNEL_BIND_EMAIL"), Ct);
        var phoneAnswer = await client.BindPhoneAsync(takenPhone, await _flows.SmsCodeAsync(client, takenPhone, "CHANNEL_BIND_PHONE"), "+86", Ct);

        AssertError(emailAnswer, 409, ApiCodes.UserAlreadyExists);
        AssertError(phoneAnswer, 409, ApiCodes.PhoneTaken);
        Assert.DoesNotContain(ownerId, Describe(emailAnswer) + Describe(phoneAnswer), StringComparison.Ordinal);
        Assert.Null((await phoneOnly.GetProfileAsync(Ct)).Data!.Email);
        Assert.Null((await client.GetProfileAsync(Ct)).Data!.Phone);
    }

    [Fact]
    public async Task Unbind_WhatTheAccountDoesNotHave_Is9632()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await PasswordUserAsync(client);
        using var phoneOnly = server.Client();
        await _flows.PhoneOnlyUserAsync(phoneOnly);

        AssertError(await client.UnbindPhoneAsync("123456", Ct), 422, ApiCodes.ContactNotBound);
        AssertError(await phoneOnly.UnbindEmailAsync("123456", Ct), 422, ApiCodes.ContactNotBound);
    }

    [Fact]
    public async Task Unbind_TheLastWayToSignIn_Is9633()
    {
        server.RequireAvailable();
        using var phoneOnly = server.Client();
        var (phone, _) = await _flows.PhoneOnlyUserAsync(phoneOnly);
        using var emailAndPassword = server.Client();
        var (email, _) = await PasswordUserAsync(emailAndPassword);

        // A code-only account keeps its phone; a password account keeps the email it signs in with (it has no other identifier).
        AssertError(await phoneOnly.UnbindPhoneAsync(await _flows.SmsCodeAsync(phoneOnly, phone, "CHANNEL_UNBIND_PHONE"), Ct), 422, ApiCodes.LastSignInMethod);
        AssertError(await emailAndPassword.UnbindEmailAsync(await _flows.EmailCodeAsync(emailAndPassword, email, "CHANNEL_UNBIND_EMAIL"), Ct), 422, ApiCodes.LastSignInMethod);

        Assert.Equal(phone, (await phoneOnly.GetProfileAsync(Ct)).Data!.Phone);
        Assert.Equal(email, (await emailAndPassword.GetProfileAsync(Ct)).Data!.Email);
    }

    [Fact]
    public async Task UnbindEmail_OfAPasswordAccountWithAPhone_LeavesPasswordSignInByPhone()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await PasswordUserAsync(client);
        var phone = await _flows.BindNewPhoneAsync(client);

        AssertError(await client.UnbindEmailAsync(Wrong(await _flows.EmailCodeAsync(client, email, "CHANNEL_UNBIND_EMAIL")), Ct), 400, ApiCodes.CodeWrong);
        AssertOk(await client.UnbindEmailAsync(server.Outbox.LastTo(email)!.Code, Ct));

        Assert.Null((await client.GetProfileAsync(Ct)).Data!.Email);
        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.BadCredentials);
        AssertOk(await client.SignInAsync(new SignInDto { Connection = Connections.Password, PasswordPayload = new() { Phone = phone, Password = Password } }, Ct));
    }

    // ---- two-step changes

    [Fact]
    public async Task UpdateEmail_WithBothCodes_ChangesTheAddress_VerifiedAndForSignIn()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, userId) = await PasswordUserAsync(client);
        var next = NewEmail();

        var verified = await _flows.VerifyEmailChangeAsync(client, email, next);
        AssertOk(verified);
        Assert.Equal(60, verified.Data!.TokenExpiresIn);
        var changed = await client.UpdateEmailAsync(verified.Data.UpdateEmailToken, Ct);

        AssertOk(changed);
        Assert.True(changed.Data!.Success);
        var profile = (await client.GetProfileAsync(Ct)).Data!;
        Assert.Equal((next, true), (profile.Email, profile.EmailVerified));
        AssertOk(await client.SignInByEmailPasswordAsync(next, Password, ct: Ct));
        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.BadCredentials);
        AssertError(await client.UpdateEmailAsync(verified.Data.UpdateEmailToken, Ct), 400, ApiCodes.TicketInvalid);
        var audit = Assert.Single(await _flows.AuditOfAsync(userId), e => e.Type == "account.email.changed");
        Assert.Equal("changed", audit.Outcome);
        Assert.DoesNotContain("@", audit.Detail ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyUpdateEmail_NeedsTheCurrentAddressesCode_AndAWrongOneDoesNotSpendTheNewOne()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await PasswordUserAsync(client);
        var next = NewEmail();
        var oldCode = await _flows.EmailCodeAsync(client, email, "CHANNEL_UPDATE_EMAIL");
        var newCode = await _flows.EmailCodeAsync(client, next, "CHANNEL_UPDATE_EMAIL");

        AssertError(await client.VerifyUpdateEmailRequestAsync(EmailChange(next, newCode, null), Ct), 400, ApiCodes.InvalidArgument);
        AssertError(await client.VerifyUpdateEmailRequestAsync(EmailChange(next, newCode, Wrong(oldCode)), Ct), 400, ApiCodes.CodeWrong);
        AssertError(await client.VerifyUpdateEmailRequestAsync(EmailChange(next, Wrong(newCode), oldCode), Ct), 400, ApiCodes.CodeWrong);
        AssertError(await client.VerifyUpdateEmailRequestAsync(EmailChange(next, newCode, oldCode, oldEmail: NewEmail()), Ct), 400, ApiCodes.InvalidArgument);

        var verified = await client.VerifyUpdateEmailRequestAsync(EmailChange(next, newCode, oldCode, oldEmail: email.ToUpperInvariant()), Ct);
        AssertOk(verified);
        AssertError(await client.VerifyUpdateEmailRequestAsync(EmailChange(next, newCode, oldCode), Ct), 400, ApiCodes.CodeWrong);
        Assert.Equal(email, (await client.GetProfileAsync(Ct)).Data!.Email); // nothing changes before update-email
    }

    [Fact]
    public async Task VerifyUpdateEmail_Refusals_SameAddress2230_NoEmail9632_Taken409()
    {
        server.RequireAvailable();
        using var owner = server.Client();
        var (taken, _) = await PasswordUserAsync(owner);
        using var client = server.Client();
        var (email, _) = await PasswordUserAsync(client);
        using var phoneOnly = server.Client();
        await _flows.PhoneOnlyUserAsync(phoneOnly);

        AssertError(await client.VerifyUpdateEmailRequestAsync(EmailChange(email.ToUpperInvariant(), "123456", "123456"), Ct), 400, ApiCodes.SameContact);
        AssertError(await phoneOnly.VerifyUpdateEmailRequestAsync(EmailChange(NewEmail(), "123456", "123456"), Ct), 422, ApiCodes.ContactNotBound);
        AssertError(await _flows.VerifyEmailChangeAsync(client, email, taken), 409, ApiCodes.UserAlreadyExists);
        Assert.Equal(email, (await client.GetProfileAsync(Ct)).Data!.Email);
    }

    [Fact]
    public async Task UpdateEmail_TokenRefusals_Expired_AnotherUsers_OfAnotherPurpose_AllAre9630()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await PasswordUserAsync(client);
        using var other = server.Client();
        var (otherEmail, _) = await PasswordUserAsync(other);

        var expiring = (await _flows.VerifyEmailChangeAsync(client, email, NewEmail())).Data!.UpdateEmailToken;
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        AssertError(await client.UpdateEmailAsync(expiring, Ct), 400, ApiCodes.TicketInvalid);

        var othersNext = NewEmail();
        var othersToken = (await _flows.VerifyEmailChangeAsync(other, otherEmail, othersNext)).Data!.UpdateEmailToken;
        AssertError(await client.UpdateEmailAsync(othersToken, Ct), 400, ApiCodes.TicketInvalid);
        AssertError(await client.UpdatePhoneAsync(othersToken, Ct), 400, ApiCodes.TicketInvalid);
        AssertError(await client.UpdateEmailAsync("not-a-token", Ct), 400, ApiCodes.TicketInvalid);
        AssertError(await client.UpdateEmailAsync("", Ct), 400, ApiCodes.InvalidArgument);
        Assert.Equal(email, (await client.GetProfileAsync(Ct)).Data!.Email);

        // Presenting another user's token took nothing from its owner.
        AssertOk(await other.UpdateEmailAsync(othersToken, Ct));
        Assert.Equal(othersNext, (await other.GetProfileAsync(Ct)).Data!.Email);
    }

    [Theory]
    [InlineData("CHANNEL_UNBIND_PHONE", "CHANNEL_BIND_PHONE")] // GenAuth's C# test
    [InlineData("CHANNEL_UNBIND_PHONE", "CHANNEL_UNBIND_PHONE")] // GenAuth's documented sample
    [InlineData("CHANNEL_BIND_PHONE", "CHANNEL_BIND_PHONE")]
    public async Task UpdatePhone_WithBothCodes_OnEitherPhoneChannel_ChangesTheNumber(string oldChannel, string newChannel)
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (phone, userId) = await _flows.PhoneOnlyUserAsync(client);
        var next = NewPhone();

        var verified = await _flows.VerifyPhoneChangeAsync(client, phone, next, oldChannel, newChannel);
        AssertOk(verified);
        Assert.Equal(60, verified.Data!.TokenExpiresIn);
        var changed = await client.UpdatePhoneAsync(verified.Data.UpdatePhoneToken, Ct);

        AssertOk(changed);
        Assert.True(changed.Data!.Success);
        var profile = (await client.GetProfileAsync(Ct)).Data!;
        Assert.Equal((next, "+86", true), (profile.Phone, profile.PhoneCountryCode, profile.PhoneVerified));
        _flows.PassSendInterval();
        using var elsewhere = server.Client();
        await _flows.PhoneCodeSignInAsync(elsewhere, next);
        Assert.Equal("changed", Assert.Single(await _flows.AuditOfAsync(userId), e => e.Type == "account.phone.changed").Outcome);
    }

    [Fact]
    public async Task VerifyUpdatePhone_Refusals_MissingOldCode_WrongCode_Same2230_Taken409_NoPhone9632()
    {
        server.RequireAvailable();
        using var owner = server.Client();
        await PasswordUserAsync(owner);
        var taken = await _flows.BindNewPhoneAsync(owner);
        using var client = server.Client();
        var (phone, _) = await _flows.PhoneOnlyUserAsync(client);
        using var noPhone = server.Client();
        await PasswordUserAsync(noPhone);

        AssertError(await client.VerifyUpdatePhoneRequestAsync(PhoneChange(NewPhone(), "123456", null), Ct), 400, ApiCodes.InvalidArgument);
        AssertError(await client.VerifyUpdatePhoneRequestAsync(PhoneChange("12", "123456", "123456"), Ct), 400, ApiCodes.InvalidArgument);
        AssertError(await client.VerifyUpdatePhoneRequestAsync(PhoneChange(NewPhone(), "123456", "123456", oldPhone: NewPhone()), Ct), 400, ApiCodes.InvalidArgument);
        AssertError(await client.VerifyUpdatePhoneRequestAsync(PhoneChange(phone, "123456", "123456"), Ct), 400, ApiCodes.SameContact);
        AssertError(await noPhone.VerifyUpdatePhoneRequestAsync(PhoneChange(NewPhone(), "123456", "123456"), Ct), 422, ApiCodes.ContactNotBound);
        var next = NewPhone();
        var oldCode = await _flows.SmsCodeAsync(client, phone, "CHANNEL_UNBIND_PHONE");
        var newCode = await _flows.SmsCodeAsync(client, next, "CHANNEL_BIND_PHONE");
        AssertError(await client.VerifyUpdatePhoneRequestAsync(PhoneChange(next, newCode, Wrong(oldCode)), Ct), 400, ApiCodes.CodeWrong);
        _flows.PassSendInterval();
        AssertError(await _flows.VerifyPhoneChangeAsync(client, phone, taken), 409, ApiCodes.PhoneTaken);

        Assert.Equal(phone, (await client.GetProfileAsync(Ct)).Data!.Phone);
    }

    // ---- who may: step-up, callers, input

    [Fact]
    public async Task EveryChange_NeedsARecentSecondFactor_FromAUserWhoHasOne_AndARefusalSpendsNoCode()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await PasswordUserAsync(client);
        var (seed, _) = await EnrollOtpAsync(client, server);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var challenged = await client.SignInByEmailPasswordAsync(email, Password, new SignInOptions { Scope = "openid profile" }, Ct);
        Assert.True(challenged.IsMfaRequired, Describe(challenged));
        AssertOk(await client.VerifyTotpMfaAsync(challenged.MfaChallenge!.MfaToken, TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct));
        server.Clock.Advance(TimeSpan.FromMinutes(16));
        var phone = NewPhone();
        var code = await _flows.SmsCodeAsync(client, phone, "CHANNEL_BIND_PHONE");

        AssertError(await client.BindPhoneAsync(phone, code, "+86", Ct), 403, ApiCodes.StepUpRequired);
        AssertError(await client.UnbindEmailAsync("123456", Ct), 403, ApiCodes.StepUpRequired);
        AssertError(await client.BindEmailAsync(NewEmail(), "123456", Ct), 403, ApiCodes.StepUpRequired);
        AssertError(await client.UnbindPhoneAsync("123456", Ct), 403, ApiCodes.StepUpRequired);
        AssertError(await client.VerifyUpdateEmailRequestAsync(EmailChange(NewEmail(), "123456", "123456"), Ct), 403, ApiCodes.StepUpRequired);
        AssertError(await client.VerifyUpdatePhoneRequestAsync(PhoneChange(NewPhone(), "123456", "123456"), Ct), 403, ApiCodes.StepUpRequired);

        // A fresh sign-in that passes the factor may, with the code the refusal left unspent.
        var again = await client.SignInByEmailPasswordAsync(email, Password, new SignInOptions { Scope = "openid profile" }, Ct);
        AssertOk(await client.VerifyTotpMfaAsync(again.MfaChallenge!.MfaToken, TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct));
        AssertOk(await client.BindPhoneAsync(phone, code, "+86", Ct));
    }

    [Fact]
    public async Task WithoutASignedInUser_Is2020()
    {
        server.RequireAvailable();
        using var client = server.Client();

        AssertError(await client.BindEmailAsync(NewEmail(), "123456", Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.UnbindPhoneAsync("123456", Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.UpdateEmailAsync("token", Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.VerifyUpdatePhoneRequestAsync(PhoneChange(NewPhone(), "123456", "123456"), Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Theory]
    [InlineData("bind-email", """{"email":"a@example.com"}""")]
    [InlineData("bind-email", """{"passCode":"123456"}""")]
    [InlineData("bind-email", """{"passCode":"123456","email":"not an address"}""")]
    [InlineData("unbind-email", "{}")]
    [InlineData("bind-phone", """{"passCode":"123456"}""")]
    [InlineData("bind-phone", """{"passCode":"123456","phoneNumber":"18812345678","phoneCountryCode":"86"}""")]
    [InlineData("unbind-phone", """{"passCode":""}""")]
    [InlineData("verify-update-email-request", """{"emailPassCodePayload":{"newEmail":"a@example.com","newEmailPassCode":"1","oldEmailPassCode":"1"}}""")]
    [InlineData("verify-update-email-request", """{"verifyMethod":"EMAIL_PASSCODE"}""")]
    [InlineData("verify-update-email-request", """{"verifyMethod":"EMAIL_PASSCODE","emailPassCodePayload":{"newEmailPassCode":"1","oldEmailPassCode":"1"}}""")]
    [InlineData("verify-update-phone-request", """{"verifyMethod":"EMAIL_PASSCODE","phonePassCodePayload":{}}""")]
    [InlineData("verify-update-phone-request", """{"verifyMethod":"PHONE_PASSCODE","phonePassCodePayload":{"newPhoneNumber":"18812345678"}}""")]
    [InlineData("update-email", "{}")]
    [InlineData("update-phone", """{"updatePhoneToken":null}""")]
    public async Task AMissingOrMalformedField_Is9401_AndNothingChanges(string path, string body)
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await PasswordUserAsync(client);

        var answer = await PostRawAsync(client, path, body);

        Assert.Equal((400, ApiCodes.InvalidArgument), (answer.GetProperty("statusCode").GetInt32(), answer.GetProperty("apiCode").GetInt32()));
        var profile = (await client.GetProfileAsync(Ct)).Data!;
        Assert.Equal((email, null), (profile.Email, profile.Phone));
    }

    [Theory]
    [InlineData("bind-email", """{"passCode":123456,"email":"a@example.com"}""")]
    [InlineData("bind-phone", """["not an object"]""")]
    [InlineData("verify-update-email-request", """{"verifyMethod":"EMAIL_PASSCODE","emailPassCodePayload":"x"}""")]
    [InlineData("update-phone", "not json")]
    public async Task AMalformedBody_IsTheTransports400(string path, string body)
    {
        server.RequireAvailable();
        using var client = server.Client();
        await PasswordUserAsync(client);

        var answer = await PostRawAsync(client, path, body, expectedHttpStatus: 400);

        Assert.Equal(ApiCodes.MalformedRequest, answer.GetProperty("apiCode").GetInt32());
    }

    // ---- the second factor keeps its own recipient

    [Fact]
    public async Task UnbindingOrChangingThePhone_OfAnSmsFactor_LeavesTheFactorOnItsNumber()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, userId) = await PasswordUserAsync(client);
        var phone = NewPhone();
        var (token, code) = await StartSmsAsync(client, server, phone);
        AssertOk(await EnrollAsync(client, "SMS", token, code)); // this session began before the factor: it may change contacts
        _flows.PassSendInterval();
        AssertOk(await client.BindPhoneAsync(phone, await _flows.SmsCodeAsync(client, phone, "CHANNEL_BIND_PHONE"), "+86", Ct));
        _flows.PassSendInterval();

        AssertOk(await client.UnbindPhoneAsync(await _flows.SmsCodeAsync(client, phone, "CHANNEL_UNBIND_PHONE"), Ct));

        var factor = Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!);
        Assert.Equal(("SMS", phone), (factor.FactorType, factor.Profile.PhoneNumber));
        Assert.Equal("the SMS factor keeps its own recipient",
            Assert.Single(await _flows.AuditOfAsync(userId), e => e is { Type: "account.phone.changed", Outcome: "unbound" }).Detail);

        // The sign-in's second factor is still asked of that number.
        _flows.PassSendInterval();
        var challenged = await client.SignInByEmailPasswordAsync(email, Password, ct: Ct);
        Assert.True(challenged.IsMfaRequired, Describe(challenged));
        AssertOk(await client.SendSmsMfaCodeAsync(challenged.MfaChallenge!.MfaToken, Ct));
        AssertOk(await client.VerifySmsMfaAsync(challenged.MfaChallenge.MfaToken, server.Outbox.LastTo("+86" + phone)!.Code, Ct));
    }

    [Fact]
    public async Task ChangingTheEmail_OfAnEmailFactor_LeavesTheFactorOnTheOldAddress()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, userId) = await PasswordUserAsync(client);
        var (token, code) = await StartEmailAsync(client, server, email);
        AssertOk(await EnrollAsync(client, "EMAIL", token, code));
        _flows.PassSendInterval();
        var next = NewEmail();

        AssertOk(await client.UpdateEmailAsync((await _flows.VerifyEmailChangeAsync(client, email, next)).Data!.UpdateEmailToken, Ct));

        Assert.Equal(next, (await client.GetProfileAsync(Ct)).Data!.Email);
        var factor = Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!);
        Assert.Equal(("EMAIL", email), (factor.FactorType, factor.Profile.Email));
        Assert.Equal("the EMAIL factor keeps its own recipient",
            Assert.Single(await _flows.AuditOfAsync(userId), e => e.Type == "account.email.changed").Detail);
    }

    // ---- parallel changes

    [Fact]
    public async Task TwoAccounts_ChangingToOneEmailAtOnce_OneGetsIt_TheOther409()
    {
        server.RequireAvailable();
        using var first = server.Client();
        var (firstEmail, _) = await PasswordUserAsync(first);
        using var second = server.Client();
        var (secondEmail, _) = await PasswordUserAsync(second);
        var wanted = NewEmail();
        var firstToken = (await _flows.VerifyEmailChangeAsync(first, firstEmail, wanted)).Data!.UpdateEmailToken;
        _flows.PassSendInterval();
        var secondToken = (await _flows.VerifyEmailChangeAsync(second, secondEmail, wanted)).Data!.UpdateEmailToken;

        var answers = await Task.WhenAll(first.UpdateEmailAsync(firstToken, Ct), second.UpdateEmailAsync(secondToken, Ct));

        Assert.Single(answers, a => a.StatusCode == 200);
        AssertError(Assert.Single(answers, a => a.StatusCode != 200), 409, ApiCodes.UserAlreadyExists);
        var emails = new[] { (await first.GetProfileAsync(Ct)).Data!.Email, (await second.GetProfileAsync(Ct)).Data!.Email };
        Assert.Single(emails, e => e == wanted);
    }

    [Fact]
    public async Task TwoAccounts_ChangingToOnePhoneAtOnce_OneGetsIt_TheOther409()
    {
        server.RequireAvailable();
        using var first = server.Client();
        var (firstPhone, _) = await _flows.PhoneOnlyUserAsync(first);
        using var second = server.Client();
        var (secondPhone, _) = await _flows.PhoneOnlyUserAsync(second);
        var wanted = NewPhone();
        // One code per recipient and channel is live at a time, so each account proves the number on a channel of its own.
        var firstToken = (await _flows.VerifyPhoneChangeAsync(first, firstPhone, wanted, newChannel: "CHANNEL_BIND_PHONE")).Data!.UpdatePhoneToken;
        _flows.PassSendInterval();
        var secondToken = (await _flows.VerifyPhoneChangeAsync(second, secondPhone, wanted, newChannel: "CHANNEL_UNBIND_PHONE")).Data!.UpdatePhoneToken;

        var answers = await Task.WhenAll(first.UpdatePhoneAsync(firstToken, Ct), second.UpdatePhoneAsync(secondToken, Ct));

        Assert.Single(answers, a => a.StatusCode == 200);
        AssertError(Assert.Single(answers, a => a.StatusCode != 200), 409, ApiCodes.PhoneTaken);
        var phones = new[] { (await first.GetProfileAsync(Ct)).Data!.Phone, (await second.GetProfileAsync(Ct)).Data!.Phone };
        Assert.Single(phones, p => p == wanted);
    }

    [Fact]
    public async Task UnbindingBothContactsAtOnce_OfACodeOnlyAccount_LeavesOne()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (phone, _) = await _flows.PhoneOnlyUserAsync(client);
        var email = await _flows.BindNewEmailAsync(client);
        _flows.PassSendInterval();
        var emailCode = await _flows.EmailCodeAsync(client, email, "CHANNEL_UNBIND_EMAIL");
        var phoneCode = await _flows.SmsCodeAsync(client, phone, "CHANNEL_UNBIND_PHONE");

        var answers = await Task.WhenAll(client.UnbindEmailAsync(emailCode, Ct), client.UnbindPhoneAsync(phoneCode, Ct));

        Assert.Single(answers, a => a.StatusCode == 200);
        AssertError(Assert.Single(answers, a => a.StatusCode != 200), 422, ApiCodes.LastSignInMethod);
        var profile = (await client.GetProfileAsync(Ct)).Data!;
        Assert.True((profile.Email is null) != (profile.Phone is null), "exactly one contact should remain: " + Describe((await client.GetProfileAsync(Ct))));
    }

    private static PreCheckCodeDto EmailPreCheck(string email, string code, string channel) =>
        new() { CodeType = "EMAIL", EmailCodePayload = new() { Email = email, PassCode = code, Channel = channel } };

    private async Task<System.Text.Json.JsonElement> PostRawAsync(AuthenticationClient client, string path, string body, int expectedHttpStatus = 200)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/" + path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("x-authing-app-id", client.AppId);
        request.Headers.TryAddWithoutValidation("authorization", client.AccessToken);
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == expectedHttpStatus, $"HTTP {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }
}

public sealed class ContactOnSqliteTests(ContactSqliteServer server) : ContactTests(server), IClassFixture<ContactSqliteServer>;

public sealed class ContactOnPostgreSqlTests(ContactPostgreSqlServer server) : ContactTests(server), IClassFixture<ContactPostgreSqlServer>;
