using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portcullis.Core.Applications;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Providers;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Passwords;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers the domain services. Stores and <see cref="Common.ISecretProtector"/> come from the storage layer.</summary>
    public static IServiceCollection AddPortcullisCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PasswordHashingOptions>();
        services.AddSingleton<PasswordHasher>();
        services.AddOptions<PasswordLockoutOptions>();
        services.AddSingleton<IdentifierKeys>();
        services.AddScoped<PasswordLockout>();
        services.AddScoped<AccountService>();
        services.AddScoped<ApplicationService>();
        services.AddScoped<ClientAuthenticator>();
        services.AddScoped<AttemptGuard>();
        services.AddSingleton<FactorTypeCatalog>();
        services.AddScoped<FactorProviders>();
        services.AddFactorProvider<OtpFactorProvider>(FactorType.Otp);
        services.AddFactorProvider<SmsFactorProvider>(FactorType.Sms, requires: DeliveryChannels.SenderOf(MessageKind.Sms));
        services.AddFactorProvider<EmailFactorProvider>(FactorType.Email, requires: DeliveryChannels.SenderOf(MessageKind.Email));
        // FACE is offered exactly where an IFaceDescriber is registered (services.AddSingleton<IFaceDescriber, …>()).
        services.AddOptions<FaceOptions>();
        services.AddScoped<FaceSampler>();
        services.AddFactorProvider<FaceFactorProvider>(FactorType.Face, requires: typeof(IFaceDescriber));
        services.AddScoped<EnrollmentService>();
        services.AddScoped<FactorService>();
        services.AddScoped<StepUp>();
        services.AddScoped<AccountTickets>();
        services.AddScoped<PasswordReset>();
        services.AddScoped<ContactService>();
        services.AddScoped<ProfileService>();
        services.AddScoped<AccountDeletion>();
        services.AddScoped<MfaSignInService>();
        services.AddScoped<MfaSignInEnrollment>();
        services.AddSingleton<DeliveryChannels>();
        services.AddScoped<CodeDelivery>();
        services.AddScoped<PassCodeService>();
        services.AddScoped<SigningKeyRotation>();
        return services;
    }
}
