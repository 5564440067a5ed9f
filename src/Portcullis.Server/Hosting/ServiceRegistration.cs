using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Portcullis.Contracts;
using Portcullis.Core.Users;
using Portcullis.Core;
using Portcullis.Core.Audit;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Passwords;
using Portcullis.Server.Adapters;
using Portcullis.Server.Adapters.Email;
using Portcullis.Server.Adapters.Face;
using Portcullis.Server.Adapters.Sms;
using Portcullis.Server.Delivery;
using Portcullis.Server.Endpoints;
using Portcullis.Core.Tokens;
using Portcullis.Server.HostedSignIn;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;
using Portcullis.Storage;

namespace Portcullis.Server.Hosting;

public static class ServiceRegistration
{
    public static WebApplicationBuilder AddPortcullis(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // Options are validated at start in one style: DataAnnotations on the class (IValidatableObject for rules across
        // fields), registered with ValidateDataAnnotations().ValidateOnStart(); an IValidateOptions<T> only where a rule needs
        // something the class cannot see (another service, the content root).
        services.AddOptions<PortcullisOptions>().BindConfiguration(PortcullisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddPortcullisCore();
        // Before storage, whose default knows no request: audit rows carry the client's address.
        services.AddHttpContextAccessor();
        services.AddSingleton<IClientAddress, HttpClientAddress>();
        services.AddPortcullisStorage(configuration);

        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddSingleton<ValidatedTokenCache>();
        services.AddSingleton<AccessTokenRevocations>();
        services.AddHostedService<AccessTokenRevocationPoller>();
        services.AddSingleton<IssuerResolver>();
        services.AddScoped<TokenService>();
        services.AddScoped<AppResolver>();
        services.AddScoped<SignedInUsers>();
        services.AddScoped<MfaCallers>();
        services.AddScoped<MfaSignInTokens>();
        services.AddHostedSignIn();

        services.AddOptions<MfaOptions>().BindConfiguration(MfaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordLockoutOptions>().BindConfiguration(PasswordLockoutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FaceOptions>().BindConfiguration(FaceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RecordingMessageSender>();
        if (RecordingSender.Serves(configuration[$"{SmsOptions.Section}:Provider"], builder.Environment))
        {
            services.AddSingleton<ISmsSender>(sp => sp.GetRequiredService<RecordingMessageSender>());
        }

        if (RecordingSender.Serves(configuration[$"{EmailOptions.Section}:Provider"], builder.Environment))
        {
            services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<RecordingMessageSender>());
        }

        // Real providers register their senders when configured (Portcullis:Email:Provider smtp; Portcullis:Sms:Provider webhook|twilio).
        services.AddEmailDelivery(configuration);
        services.AddSmsDelivery(configuration);
        services.AddSingleton<Core.Users.IPhoneNumbers, LibPhoneNumbers>();
        services.AddOutboxDelivery();
        services.AddFaceRecognition(configuration);
        services.AddSingleton<FacePhotoGate>();
        services.AddScoped<IFacePhotoSource, FacePhotoSource>();
        services.AddHttpClient(FacePhotoSource.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => FacePhotoSource.CreateHandler(sp.GetRequiredService<IOptions<FaceOptions>>()));
        services.AddScoped<StartupInitializer>();
        services.AddHostedService<ExpiredTokenPurger>();

        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, PortcullisJsonContext.Default);
            o.SerializerOptions.Converters.Add(new NulRefusingStringConverter());
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<TransportExceptionHandler>();
        services.AddProblemDetails();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelLimits>();

        services.AddHealthChecks()
            .AddDbContextCheck<PortcullisDbContext>("database", tags: ["ready"])
            .AddCheck<SigningKeyHealthCheck>("signing-keys", tags: ["ready"])
            .AddCheck<RevocationListHealthCheck>("revocation-list", tags: ["ready"]);
        services.AddPortcullisOpenApi();

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(JsonLogLines);
        // The host's request scope names the connection's id "RequestId" beside ours, and its start/finish lines repeat the
        // one line RequestIdMiddleware writes per request: off, whatever the configured levels.
        builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        return builder;
    }

    /// <summary>The host's per-request logging category (its request scope is begun only while this category logs).</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>How every log line is written: one JSON object per line, scopes included, UTC timestamps.</summary>
    public static void JsonLogLines(Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions o)
    {
        o.IncludeScopes = true;
        o.UseUtcTimestamp = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    }

    private sealed class KestrelLimits(IOptions<PortcullisOptions> options) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions kestrel)
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.Value.MaxRequestBodyBytes;
        }
    }
}
