using Portcullis.Core.SignIn;

namespace Portcullis.Server.HostedSignIn;

public static class HostedSignInRegistration
{
    public static IServiceCollection AddHostedSignIn(this IServiceCollection services)
    {
        services.AddOptions<HostedSignInOptions>().BindConfiguration(HostedSignInOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // The token travels in a form field; its cookie is sent only to this site's own posts.
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "portcullis_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "csrf";
            // The security headers middleware already forbids all framing (DENY), stricter than antiforgery's SAMEORIGIN.
            o.SuppressXFrameOptionsHeader = true;
        });
        services.AddSingleton<InteractionProtector>();
        services.AddSingleton<IdTokenHints>();
        services.AddScoped<BrowserSessions>();
        services.AddScoped<AuthorizationCodes>();
        services.AddScoped<HostedSignInFlow>();
        return services;
    }
}
