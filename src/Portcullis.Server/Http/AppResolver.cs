using Portcullis.Core.Applications;
using Portcullis.Core.Common;

namespace Portcullis.Server.Http;

/// <summary>Finds the calling application: the app-id header, else the client id the caller presented. The pool follows from the app.</summary>
public sealed class AppResolver(IApplicationStore apps)
{
    /// <summary>Longer ids name no application and are refused without a lookup.</summary>
    public const int MaxAppIdLength = ApplicationService.MaxAppIdLength;

    public async Task<Result<Application>> ResolveAsync(HttpContext context, ClientCredentials? presented = null)
    {
        var appId = context.AppIdHeader() ?? presented?.BasicId ?? presented?.BodyId;
        if (appId is null || appId.Length > MaxAppIdLength)
        {
            return Result<Application>.Fail(ErrorKind.AppNotFound);
        }

        var app = await apps.FindAsync(appId, context.RequestAborted);
        return app is null ? Result<Application>.Fail(ErrorKind.AppNotFound) : Result<Application>.Ok(app);
    }
}
