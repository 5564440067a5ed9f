using Microsoft.Extensions.Options;
using Portcullis.Core.Factors.Face;

namespace Portcullis.Server.Adapters.Face;

/// <summary>Endpoint metadata: the body is a face photo (raw, or a multipart form), held to the photo cap rather than the API's.</summary>
public sealed record PhotoBodyMetadata(bool Multipart);

/// <summary>
/// Raises the body limit of the photo routes before anything answers (<see cref="FacePhotoUploads.AllowPhotoBody"/>). A
/// photo route that answers before reading its body (an unknown caller, no face describer) leaves it to Kestrel to drain, within
/// the request's limit: under the API's 64 KiB it would close the connection mid-photo, which a proxy still sending the photo
/// reports as an error page of its own instead of the answer.
/// </summary>
public sealed class PhotoBodyLimitMiddleware(RequestDelegate next, IOptions<FaceOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PhotoBodyMetadata>() is { } photo)
        {
            FacePhotoUploads.AllowPhotoBody(context, options.Value, photo.Multipart);
        }

        return next(context);
    }
}

public static class PhotoBodyRoutes
{
    /// <summary>Declares that the route's body is a face photo (<see cref="PhotoBodyLimitMiddleware"/>).</summary>
    public static RouteHandlerBuilder TakesPhoto(this RouteHandlerBuilder builder, bool multipart = false) =>
        builder.WithMetadata(new PhotoBodyMetadata(multipart));
}
