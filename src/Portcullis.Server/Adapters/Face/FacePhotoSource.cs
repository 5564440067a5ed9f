using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;

namespace Portcullis.Server.Adapters.Face;

/// <summary>
/// Resolves <c>enrollmentData.photo</c>. An uploaded photo is found by key among the caller's own uploads, described when it
/// was uploaded; an external link is fetched over https with the address checked at connect time (so DNS rebinding cannot reach
/// an internal host), no redirects, a size cap and a time limit, then decoded and described.
/// </summary>
public sealed class FacePhotoSource(IHttpClientFactory http, IFacePhotoStore store, FacePhotoGate gate, FaceSampler sampler, IOptions<FaceOptions> options) : IFacePhotoSource
{
    public const string HttpClientName = "face-photos";

    public async Task<Result<FaceSample>> LoadAsync(string userId, string photo, bool isExternal, CancellationToken ct)
    {
        if (!isExternal)
        {
            var uploaded = photo.Length <= 64 ? await store.LoadAsync(userId, photo, ct) : null;
            return uploaded is null ? Result<FaceSample>.Fail(ErrorKind.InvalidPhoto, "no uploaded photo with that key") : Result<FaceSample>.Ok(uploaded);
        }

        var o = options.Value;
        if (!Uri.TryCreate(photo, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (o.AllowHttp && uri.Scheme == Uri.UriSchemeHttp)))
        {
            return Result<FaceSample>.Fail(ErrorKind.PhotoRefused, "only https links are accepted");
        }

        if (!o.AllowPrivateAddresses && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) && !IsPublic(literal))
        {
            return Result<FaceSample>.Fail(ErrorKind.PhotoRefused, "private, loopback and link-local addresses are refused");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.FetchTimeoutSeconds));
        byte[]? bytes;
        try
        {
            using var response = await http.CreateClient(HttpClientName).GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return Result<FaceSample>.Fail(ErrorKind.PhotoRefused, $"the link answered HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > o.MaxPhotoBytes)
            {
                return Result<FaceSample>.Fail(ErrorKind.InvalidPhoto, $"larger than {o.MaxPhotoBytes} bytes");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            bytes = await ReadCappedAsync(stream, o.MaxPhotoBytes, timeout.Token);
        }
        catch (PrivateAddressException)
        {
            return Result<FaceSample>.Fail(ErrorKind.PhotoRefused, "private, loopback and link-local addresses are refused");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<FaceSample>.Fail(ErrorKind.PhotoRefused, "the link did not answer in time");
        }
        catch (HttpRequestException ex) when (ex.InnerException is PrivateAddressException)
        {
            return Result<FaceSample>.Fail(ErrorKind.PhotoRefused, "private, loopback and link-local addresses are refused");
        }
        catch (HttpRequestException)
        {
            return Result<FaceSample>.Fail(ErrorKind.PhotoRefused, "the link could not be fetched");
        }

        // Described outside the fetch's time limit and its handlers: the link has answered, whatever the describer takes.
        if (bytes is null)
        {
            return Result<FaceSample>.Fail(ErrorKind.InvalidPhoto, $"larger than {o.MaxPhotoBytes} bytes");
        }

        return await gate.DecodeAndSampleAsync(bytes, sampler, ct);
    }

    /// <summary>The handler for the named client: connects only to public addresses (checked after DNS resolution).</summary>
    public static SocketsHttpHandler CreateHandler(IOptions<FaceOptions> options) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(options.Value.FetchTimeoutSeconds),
        ConnectCallback = async (context, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var allowed = addresses.Where(a => options.Value.AllowPrivateAddresses || IsPublic(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new PrivateAddressException();
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || b[0] == 127
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            || b[0] >= 224);
    }

    /// <summary>The whole stream, or null as soon as it is longer than <paramref name="max"/> bytes.</summary>
    internal static async Task<byte[]?> ReadCappedAsync(Stream stream, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed class PrivateAddressException : Exception
    {
        public PrivateAddressException()
            : base("The link resolves only to private, loopback or link-local addresses.")
        {
        }
    }
}
