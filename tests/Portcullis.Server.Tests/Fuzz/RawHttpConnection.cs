using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portcullis.Server.Tests.Fuzz;

/// <summary>One HTTP/1.1 request as bytes go on the wire: the test writes the head itself, the connection adds Host and Content-Length.</summary>
public sealed record RawRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public string? ContentType => Headers.FirstOrDefault(h => h.Name.Equals("content-type", StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Method, target, content type, other headers and the start of the body (non-printable bytes escaped): enough to replay by hand.</summary>
    public string Describe()
    {
        var other = string.Join("; ", Headers.Where(h => !h.Name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Name}: {Excerpt(h.Value, 60)}"));
        return $"{Method} {Excerpt(Target, 200)} [content-type: {ContentType ?? "(none)"}] [{other}] body ({Body.Length} bytes): {Excerpt(Body, 160)}";
    }

    public static string Excerpt(string text, int max) => text.Length <= max ? text : text[..max] + $"…(+{text.Length - max})";

    public static string Excerpt(byte[] bytes, int max)
    {
        var text = new StringBuilder();
        foreach (var b in bytes.Take(max))
        {
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return bytes.Length > max ? text + $"…(+{bytes.Length - max})" : text.ToString();
    }
}

public sealed record RawResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A hand-written HTTP/1.1 client on one keep-alive TCP connection to a loopback address: it writes requests with a correct
/// Content-Length and reads the status line, headers and body (Content-Length, chunked, or up to the close) itself, so the
/// server sees exactly the bytes a test chose. A connection the server closed between two requests is reopened once.
/// </summary>
public sealed class RawHttpConnection(IPEndPoint server) : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    private readonly byte[] _buffer = new byte[16 * 1024];
    private NetworkStream? _stream;
    private int _start;
    private int _end;

    public IPEndPoint Server { get; } = IPAddress.IsLoopback(server.Address)
        ? server
        : throw new ArgumentException("The fuzzer only talks to loopback addresses.", nameof(server));

    /// <summary>Sends the request and reads the answer; any failure closes the connection, so the next request opens a new one.</summary>
    public async Task<RawResponse> SendAsync(RawRequest request, CancellationToken ct)
    {
        var reused = _stream is not null;
        try
        {
            return await ExchangeAsync(request, ct);
        }
        catch (Exception ex) when (reused && ex is IOException or SocketException or EndOfStreamException)
        {
            // The server may close a keep-alive connection after an answer (one whose body it did not read, say): once the
            // request fails on a reused connection it is sent again on a fresh one, where a real failure repeats.
            Close();
        }
        catch
        {
            Close();
            throw;
        }

        try
        {
            return await ExchangeAsync(request, ct);
        }
        catch
        {
            Close();
            throw;
        }
    }

    private async Task<RawResponse> ExchangeAsync(RawRequest request, CancellationToken ct)
    {
        if (_stream is null)
        {
            var socket = new Socket(Server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(Server, ct);
            _stream = new NetworkStream(socket, ownsSocket: true);
            _start = _end = 0;
        }

        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{request.Method} {request.Target} HTTP/1.1\r\nHost: {Server}\r\n");
        foreach (var (name, value) in request.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (request.Body.Length > 0 || request.Method is not ("GET" or "HEAD" or "DELETE" or "OPTIONS"))
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {request.Body.Length}\r\n");
        }

        head.Append("\r\n");
        var bytes = Encoding.ASCII.GetBytes(head.ToString());
        try
        {
            await _stream.WriteAsync(bytes, ct);
            await _stream.WriteAsync(request.Body, ct);
        }
        catch (IOException)
        {
            // The server may answer (413, say) and close before reading the whole body: the answer is still there to read,
            // and when there is none the read below fails.
        }

        var response = await ReadResponseAsync(request.Method == "HEAD", ct);
        if (string.Equals(response.Header("connection"), "close", StringComparison.OrdinalIgnoreCase))
        {
            Close();
        }

        return response;
    }

    private async Task<RawResponse> ReadResponseAsync(bool headOnly, CancellationToken ct)
    {
        var statusLine = await ReadLineAsync(ct);
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var status))
        {
            throw new InvalidDataException("Not an HTTP/1.1 status line: " + statusLine);
        }

        var headers = new List<(string, string)>();
        for (var line = await ReadLineAsync(ct); line.Length > 0; line = await ReadLineAsync(ct))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(colon > 0 ? (line[..colon].Trim(), line[(colon + 1)..].Trim()) : (line, ""));
        }

        string? Get(string name) => headers.FirstOrDefault(h => h.Item1.Equals(name, StringComparison.OrdinalIgnoreCase)).Item2;
        byte[] body;
        if (headOnly || status is < 200 or 204 or 304)
        {
            body = [];
        }
        else if (Get("transfer-encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync(ct);
        }
        else if (Get("content-length") is { } length)
        {
            body = await ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), ct);
        }
        else
        {
            body = await ReadToCloseAsync(ct);
        }

        return new RawResponse(status, headers, body);
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken ct)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(ct);
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await ReadLineAsync(ct)).Length > 0)
                {
                    // Trailer fields: none expected, skipped.
                }

                return body.ToArray();
            }

            if (body.Length + size > MaxBodyBytes)
            {
                throw new InvalidDataException("Chunked body larger than " + MaxBodyBytes);
            }

            body.Write(await ReadExactlyAsync(size, ct));
            if ((await ReadLineAsync(ct)).Length != 0)
            {
                throw new InvalidDataException("A chunk not followed by CRLF");
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                await FillAsync(ct);
            }

            var b = _buffer[_start++];
            if (b == (byte)'\n')
            {
                return Encoding.Latin1.GetString([.. line]).TrimEnd('\r');
            }

            line.Add(b);
            if (line.Count > MaxHeadBytes)
            {
                throw new InvalidDataException("Response line longer than " + MaxHeadBytes);
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        if (count > MaxBodyBytes)
        {
            throw new InvalidDataException("Body larger than " + MaxBodyBytes);
        }

        var result = new byte[count];
        var written = 0;
        while (written < count)
        {
            if (_start == _end)
            {
                await FillAsync(ct);
            }

            var take = Math.Min(count - written, _end - _start);
            Array.Copy(_buffer, _start, result, written, take);
            _start += take;
            written += take;
        }

        return result;
    }

    private async Task<byte[]> ReadToCloseAsync(CancellationToken ct)
    {
        using var body = new MemoryStream();
        body.Write(_buffer, _start, _end - _start);
        _start = _end;
        int read;
        while ((read = await _stream!.ReadAsync(_buffer, ct)) > 0)
        {
            body.Write(_buffer, 0, read);
            if (body.Length > MaxBodyBytes)
            {
                throw new InvalidDataException("Body larger than " + MaxBodyBytes);
            }
        }

        Close();
        return body.ToArray();
    }

    private async Task FillAsync(CancellationToken ct)
    {
        _start = 0;
        _end = await _stream!.ReadAsync(_buffer, ct);
        if (_end == 0)
        {
            throw new EndOfStreamException("The server closed the connection.");
        }
    }

    private void Close()
    {
        _stream?.Dispose();
        _stream = null;
        _start = _end = 0;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
