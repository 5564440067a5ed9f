using System.Net.Sockets;
using System.Text;
using Portcullis.Testing;

namespace Portcullis.Server.Tests;

/// <summary>
/// A photo route that answers before reading its body (here: no signed-in caller) keeps the connection: the photo is drained
/// within the photo limit, not the API's 64 KiB, so a proxy still sending it gets the answer and not a closed connection.
/// </summary>
public sealed class PhotoBodyTests(PhotoBodyTests.Server server) : IClassFixture<PhotoBodyTests.Server>
{
    public sealed class Server : TestServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/v3/upload-face-photo", "image/jpeg")]
    [InlineData("/api/v2/upload", "multipart/form-data; boundary=photo")]
    public async Task AnAnonymousMegabytePhoto_IsAnswered_AndTheConnectionServesTheNextRequest(string path, string contentType)
    {
        var address = new Uri(server.BaseUrl);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(address.Host, address.Port, Ct);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var photo = new byte[1024 * 1024];

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: {contentType}\r\nx-authing-app-id: {server.PostApp.AppId}\r\n"
            + $"Content-Length: {photo.Length}\r\n\r\n"), Ct);
        for (var sent = 0; sent < photo.Length; sent += 64 * 1024)
        {
            // A proxy forwards a photo as it arrives: the answer can come while the body is still on its way.
            await stream.WriteAsync(photo.AsMemory(sent, 64 * 1024), Ct);
            await Task.Delay(5, Ct);
        }

        var first = await ReadHeadAsync(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /health/live HTTP/1.1\r\nHost: {address.Authority}\r\n\r\n"), Ct);
        var second = await ReadHeadAsync(stream, after: first);

        Assert.StartsWith("HTTP/1.1 200", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection: close", first, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HTTP/1.1 200", second, StringComparison.Ordinal);
    }

    /// <summary>Everything read from the connection so far, once it holds one more response head than <paramref name="after"/>.</summary>
    private static async Task<string> ReadHeadAsync(NetworkStream stream, string after = "")
    {
        var text = new StringBuilder(after);
        var heads = CountHeads(after) + 1;
        var buffer = new byte[64 * 1024];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (CountHeads(text.ToString()) < heads)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, $"the server closed the connection; it had answered: {text}");
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    private static int CountHeads(string text) => text.Split("HTTP/1.1 ").Length - 1;
}
