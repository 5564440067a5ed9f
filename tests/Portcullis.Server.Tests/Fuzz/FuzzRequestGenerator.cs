using System.Globalization;
using System.Text;

namespace Portcullis.Server.Tests.Fuzz;

/// <summary>
/// Real values from the server under test, so that some requests get past the first checks into deeper code. The tokens sent
/// as OAuth parameters (which revocation may revoke) are a second session's, so the access token in headers stays valid.
/// </summary>
public sealed record KnownValues(string AppId, string AppSecret, string AccessToken, string IdToken, string ClientToken,
    string EnrollmentToken, string Email, string RevocableAccessToken, string RevocableRefreshToken);

/// <summary>
/// Mutated requests for one operation, entirely determined by the <see cref="Random"/> it is given. It never breaks HTTP
/// framing itself (a NUL or a non-ASCII byte in the request line or a header, a path with %00, a wrong Content-Length, a
/// request line or head over Kestrel's limits): Kestrel answers those with an empty 400 before the application runs, so they
/// test nothing of Portcullis. Everything else is fair: content types, charsets, bodies, query strings and header values.
/// Links among the values (face photos, which the server may fetch) name only loopback addresses.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394:Do not use insecure randomness",
    Justification = "A fuzzer needs a seeded generator so that a run can be replayed; nothing secret is drawn from it.")]
public sealed class FuzzRequestGenerator(Random random, KnownValues known)
{
    /// <summary>Stands for a run of invalid UTF-8 bytes inside a string, which <see cref="WithInvalidUtf8"/> writes in its place.</summary>
    private const char InvalidUtf8Marker = '\uE000';

    private static readonly byte[][] InvalidUtf8Sequences =
    [
        [0xFF], [0xFE, 0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xE2, 0x82],
    ];

    private static readonly string[] Utf8JsonContentTypes = ["application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8"];

    private static readonly string[] OddJsonContentTypes =
    [
        "application/json; charset=foo", "application/json; charset=utf8", "application/json; charset=\"utf-8\"",
        "application/json; charset=iso-8859-1", "application/json; charset=utf-16", "application/json; charset=utf-32",
        "application/json; charset=", "application/json; charset=us-ascii", "application/problem+json",
        "application/vnd.fuzz+json; charset=bogus", "text/json", "APPLICATION/JSON",
    ];

    private static readonly string[] FormContentTypes =
    [
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
        "application/x-www-form-urlencoded; charset=foo", "application/x-www-form-urlencoded; charset=utf-16",
    ];

    private static readonly string[] MultipartContentTypes =
    [
        "multipart/form-data", "multipart/form-data; boundary=fuzz-boundary", "multipart/form-data; boundary=\"\"",
        "multipart/mixed; boundary=fuzz-boundary", "multipart/form-data; boundary=" + new string('b', 200),
    ];

    private static readonly string[] OtherContentTypes =
    [
        "text/plain", "text/plain; charset=utf-8", "application/octet-stream", "image/png", "x", "application/", ";;;",
        "application/json, text/plain", "*/*", "text/html; charset=utf-8",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    /// <summary>Below Kestrel's request line limit (8 KiB), over which it answers 414 itself.</summary>
    private const int MaxTargetLength = 7000;

    private static readonly string[] OAuthParameters =
        ["grant_type", "client_id", "client_secret", "refresh_token", "token", "token_type_hint", "scope", "access_token"];

    /// <summary>
    /// Whether the request being built is well-formed (one in three): the operation's own method and content type, the real
    /// application and tokens, every field present with a plausible value. These get past the parsers into the handlers;
    /// the others are where the mutations go.
    /// </summary>
    private bool _wellFormed;

    public RawRequest Next(FuzzOperation operation)
    {
        _wellFormed = Chance(3);
        var method = Mutate(25) ? Pick(Methods) : operation.Method;
        var target = Path(operation) + Query(operation);
        target = target.Length > MaxTargetLength ? target[..MaxTargetLength] : target;
        var headers = new List<(string, string)>();
        var (contentType, kind) = ContentType(operation);
        if (contentType is not null)
        {
            headers.Add(("Content-Type", contentType));
        }

        AddHeaders(headers);
        var body = method == "GET" && !Mutate(10) ? [] : Body(operation, kind, contentType);
        return new RawRequest(method, target, headers, body);
    }

    private enum BodyKind
    {
        Json,
        Form,
        Multipart,
        Other,
    }

    private string Path(FuzzOperation operation)
    {
        var appId = _wellFormed ? known.AppId : Pick([known.AppId, known.AppId, "unknown-app", Ascii(1, 40), new string('a', 300), "%", "a b"]);
        var path = operation.PathTemplate.Replace("{appId}", Percent(appId), StringComparison.Ordinal);
        if (Mutate(30))
        {
            path += "/" + Percent(Ascii(1, 12));
        }

        if (Mutate(30))
        {
            path = path.ToUpperInvariant();
        }

        return path;
    }

    private string Query(FuzzOperation operation)
    {
        if (_wellFormed || !Chance(3))
        {
            return "";
        }

        var names = operation.QueryParameters.Concat(operation.Family == PathFamily.OAuth ? OAuthParameters : []).Concat(["x", Ascii(1, 8)]).ToArray();
        var parts = new List<string>();
        for (int i = 0, count = random.Next(1, 5); i < count; i++)
        {
            var name = Pick(names);
            parts.Add(Percent(name) + "=" + QueryValue());
            if (Chance(6))
            {
                parts.Add(Percent(name) + "=" + QueryValue());
            }
        }

        if (Chance(12))
        {
            parts.Add(new string('q', 2100) + "=1");
        }

        return "?" + string.Join('&', parts);
    }

    private string QueryValue() => random.Next(10) switch
    {
        0 => "%00",
        1 => "%FF",
        2 => "a%00b",
        3 => "%ED%A0%80",
        4 => "%",
        5 => "%G1",
        6 => new string('v', random.Next(100, 4000)),
        _ => Percent(Text("value")),
    };

    private (string? ContentType, BodyKind Kind) ContentType(FuzzOperation operation)
    {
        if (_wellFormed)
        {
            return operation.Family == PathFamily.OAuth && Chance(2) ? (FormContentTypes[0], BodyKind.Form)
                : operation.Body is not null || operation.Family == PathFamily.OAuth ? (Pick(Utf8JsonContentTypes), BodyKind.Json)
                : (null, BodyKind.Other);
        }

        var roll = random.Next(100);
        return operation.Family switch
        {
            PathFamily.OAuth when roll < 45 => (Pick(FormContentTypes), BodyKind.Form),
            PathFamily.OAuth when roll < 75 => (JsonContentType(), BodyKind.Json),
            _ when operation.Body is not null && roll < 70 => (JsonContentType(), BodyKind.Json),
            _ when roll < 80 => (JsonContentType(), BodyKind.Json),
            _ when roll < 85 => (Pick(FormContentTypes), BodyKind.Form),
            _ when roll < 90 => (Pick(MultipartContentTypes), BodyKind.Multipart),
            _ when roll < 95 => (Pick(OtherContentTypes), BodyKind.Other),
            _ => (null, BodyKind.Other),
        };
    }

    private string JsonContentType() => Chance(4) ? Pick(OddJsonContentTypes) : Pick(Utf8JsonContentTypes);

    private void AddHeaders(List<(string, string)> headers)
    {
        if (_wellFormed)
        {
            headers.Add(("Authorization", "Bearer " + known.AccessToken));
            headers.Add(("x-authing-app-id", known.AppId));
            return;
        }

        var authorization = random.Next(18) switch
        {
            0 or 1 => "Bearer " + known.AccessToken,
            2 => known.AccessToken,
            3 => "Bearer" + known.AccessToken,
            4 => "Bearer " + known.IdToken,
            5 => "Bearer " + known.ClientToken,
            6 => "Bearer " + Ascii(1, 60),
            7 => "Bearer a.b.c",
            8 => "Bearer " + new string('t', 5000),
            9 => "Bearer ",
            10 => "Basic " + Base64($"{known.AppId}:{known.AppSecret}"),
            11 => "Basic " + Base64($"{known.AppId}:wrong-secret"),
            12 => "Basic !!!not base64!!!",
            13 => "Basic " + Base64("no-colon"),
            14 => "Basic " + Base64($"{known.AppId}%00:{known.AppSecret}"),
            15 => "Basic " + Convert.ToBase64String(Bytes(1, 40)),
            16 => "Digest " + Ascii(1, 20),
            _ => null,
        };
        if (authorization is not null)
        {
            headers.Add(("Authorization", authorization));
        }

        var appId = random.Next(12) switch
        {
            < 5 => known.AppId,
            5 => "unknown-app",
            6 => new string('a', 65),
            7 => new string('a', 3000),
            8 => "   ",
            9 => " " + known.AppId + " ",
            10 => "' OR '1'='1",
            _ => null,
        };
        if (appId is not null)
        {
            headers.Add((Chance(8) ? "x-genauth-app-id" : "x-authing-app-id", appId));
        }

        if (random.Next(4) == 0)
        {
            headers.Add(("x-authing-lang", Pick(["zh-CN", "en-US", "zh", "xx", new string('z', 500), ""])));
        }
    }

    private byte[] Body(FuzzOperation operation, BodyKind kind, string? contentType)
    {
        if (Mutate(15))
        {
            return [];
        }

        if (Mutate(15))
        {
            return Bytes(1, 3000);
        }

        return kind switch
        {
            BodyKind.Json => JsonBody(operation),
            BodyKind.Form => Encoding.ASCII.GetBytes(FormBody(ParameterNames(operation))),
            BodyKind.Multipart => MultipartBody(ParameterNames(operation), contentType!),
            _ => Chance(2) ? JsonBody(operation) : Encoding.ASCII.GetBytes(FormBody(ParameterNames(operation))),
        };
    }

    private string[] ParameterNames(FuzzOperation operation) =>
        operation.Body is { Kind: "object" } body ? [.. body.Properties.Keys] : operation.Family == PathFamily.OAuth ? OAuthParameters : [.. operation.QueryParameters, "x"];

    private byte[] JsonBody(FuzzOperation operation)
    {
        var json = new StringBuilder();
        switch (_wellFormed ? -1 : random.Next(20))
        {
            case 0:
                var depth = Pick([65, 200, 3000]);
                json.Append(new string('[', depth)).Append(new string(']', depth));
                break;
            case 1:
                for (var i = 0; i < 300; i++)
                {
                    json.Append("{\"a\":");
                }

                json.Append('1').Append(new string('}', 300));
                break;
            case 2:
                json.Append('{').AppendJoin(',', Enumerable.Range(0, random.Next(1000, 3000)).Select(i => $"\"f{i}\":{i}")).Append('}');
                break;
            case 3:
                json.Append("{\"").Append(new string('k', random.Next(2000, 5000))).Append("\":\"v\"}");
                break;
            case 4:
                json.Append(Pick(["[]", "[1,2,3]", "\"a string\"", "42", "null", "true", "", " ", "{", "{\"a\":}", "{'a':'b'}", "{\"a\":1,}", "/* */{}", "NaN", "{\"a\":1e999}", "\uFEFF{}"]));
                break;
            case 5:
                WriteValue(json, operation.Body ?? SchemaNode.AnyString, "root", 0);
                json.Length = random.Next(json.Length + 1);
                break;
            default:
                if (operation.Body is not null)
                {
                    WriteValue(json, operation.Body, "root", 0);
                }
                else
                {
                    WriteFlatObject(json, ParameterNames(operation));
                }

                break;
        }

        return WithInvalidUtf8(json.ToString());
    }

    private void WriteFlatObject(StringBuilder json, string[] names)
    {
        json.Append('{');
        var first = true;
        foreach (var name in names.Where(_ => !Mutate(4)))
        {
            json.Append(first ? "" : ",");
            first = false;
            WriteString(json, name);
            json.Append(':');
            if (Mutate(10))
            {
                WriteWrongType(json, 0);
            }
            else
            {
                WriteString(json, Text(name));
            }
        }

        json.Append('}');
    }

    private void WriteValue(StringBuilder json, SchemaNode schema, string name, int depth)
    {
        if (Mutate(12))
        {
            WriteWrongType(json, depth);
            return;
        }

        switch (schema.Kind)
        {
            case "object":
                json.Append('{');
                var first = true;
                foreach (var (property, child) in schema.Properties)
                {
                    if (Mutate(5))
                    {
                        continue;
                    }

                    json.Append(first ? "" : ",");
                    first = false;
                    WriteString(json, Mutate(50) ? Text("key") : property);
                    json.Append(':');
                    WriteValue(json, child, property, depth + 1);
                    if (Mutate(30))
                    {
                        json.Append(',');
                        WriteString(json, property);
                        json.Append(':');
                        WriteValue(json, child, property, depth + 1);
                    }
                }

                if (Mutate(8))
                {
                    json.Append(first ? "" : ",").Append("\"unknownField\":");
                    WriteWrongType(json, depth);
                }

                json.Append('}');
                break;
            case "boolean":
                json.Append(Chance(2) ? "true" : "false");
                break;
            case "integer" or "number":
                json.Append(random.Next(-5, 100).ToString(CultureInfo.InvariantCulture));
                break;
            default:
                WriteString(json, Text(name));
                break;
        }
    }

    private void WriteWrongType(StringBuilder json, int depth)
    {
        switch (random.Next(9))
        {
            case 0: json.Append("123"); break;
            case 1: json.Append("-1.5e308"); break;
            case 2: json.Append("true"); break;
            case 3: json.Append("null"); break;
            case 4: json.Append("[]"); break;
            case 5: json.Append("{}"); break;
            case 6: json.Append("[\"a\",{\"b\":null}]"); break;
            case 7 when depth < 4: json.Append("{\"nested\":"); WriteWrongType(json, depth + 1); json.Append('}'); break;
            default: json.Append(new string('[', 100)).Append(new string(']', 100)); break;
        }
    }

    /// <summary>A JSON string literal: lone surrogates and control characters become \u escapes, everything else stays raw.</summary>
    private static void WriteString(StringBuilder json, string value)
    {
        json.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                json.Append(c).Append(value[++i]);
            }
            else if (c is '"' or '\\')
            {
                json.Append('\\').Append(c);
            }
            else if (c < 0x20 || char.IsSurrogate(c))
            {
                json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                json.Append(c);
            }
        }

        json.Append('"');
    }

    private string FormBody(string[] names)
    {
        var pairs = new List<string>();
        foreach (var name in names.Where(_ => !Mutate(4)))
        {
            pairs.Add(Percent(name) + "=" + (Mutate(6) ? QueryValue() : Percent(Text(name))));
        }

        switch (_wellFormed ? -1 : random.Next(12))
        {
            case 0: pairs.Add(new string('k', random.Next(2049, 4000)) + "=1"); break;
            case 1: pairs.AddRange(Enumerable.Range(0, random.Next(1025, 1500)).Select(i => $"f{i}=1")); break;
            case 2: pairs.Add(pairs.Count > 0 ? pairs[0] : "a=1"); break;
            case 3: pairs.Add("=&&=="); break;
            case 4: pairs.Add("novalue"); break;
            case 5: pairs.Add(Percent(Text("x")) + "=%00"); break;
        }

        return string.Join('&', pairs);
    }

    private byte[] MultipartBody(string[] names, string contentType)
    {
        const string boundary = "fuzz-boundary";
        if (!contentType.Contains(boundary, StringComparison.Ordinal) || Chance(3))
        {
            return Chance(2) ? Bytes(0, 500) : Encoding.ASCII.GetBytes(FormBody(names));
        }

        var body = new StringBuilder();
        foreach (var name in names.Where(_ => !Chance(3)))
        {
            body.Append(CultureInfo.InvariantCulture, $"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{Text(name)}\r\n");
        }

        if (Chance(3))
        {
            body.Append(CultureInfo.InvariantCulture, $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\u0089PNG\r\n");
        }

        if (!Chance(4))
        {
            body.Append(CultureInfo.InvariantCulture, $"--{boundary}--\r\n");
        }

        return WithInvalidUtf8(body.ToString());
    }

    /// <summary>A string for a field: plausible for its name three times in four, otherwise one of the usual troublemakers.</summary>
    private string Text(string name)
    {
        if ((_wellFormed || !Chance(4)) && Plausible(name) is { } plausible)
        {
            return plausible;
        }

        if (_wellFormed)
        {
            return Ascii(1, 20);
        }

        return random.Next(24) switch
        {
            0 => "",
            1 => " ",
            2 => Ascii(1, 20),
            3 => new string('x', random.Next(1000, 6000)),
            4 when Chance(8) => new string('h', 70 * 1024),
            5 => "漢字テスト🙂 ñ",
            6 => "ada\u0000lovelace",
            7 => "\u0000",
            8 => "\ud800",
            9 => "a\udc00b",
            10 => "\u0001\u001f\u007f",
            11 => "' OR '1'='1' --",
            12 => "../../../etc/passwd",
            13 => "%00",
            14 => "123456",
            15 => "-1",
            16 => known.AppId,
            17 => known.AccessToken,
            18 => "bad" + InvalidUtf8Marker + "utf8",
            19 => "\u202e\u200b\ufeff",
            20 => "<script>alert(1)</script>",
            21 => "https://127.0.0.1/photo.png",
            _ => Ascii(1, 8),
        };
    }

    private string? Plausible(string name) => name.ToLowerInvariant() switch
    {
        "connection" => Pick(["PASSWORD", "PASSCODE", "LDAP", "AD", "password"]),
        "email" => Pick([$"fuzz-{random.Next(1000)}@example.com", known.Email, "not-an-email", "a@b", "@example.com"]),
        "password" => Pick(["correct horse battery", "short", new string('p', 129), ""]),
        "username" or "account" => Pick([$"fuzzer{random.Next(1000)}", known.Email, "a", new string('u', 300)]),
        "phone" or "phonenumber" => Pick(["13812345678", "+8613812345678", "6502530000", "123", "not a phone"]),
        "phonecountrycode" => Pick(["+86", "+1", "86", "+9999", "+", "++86"]),
        "factortype" => Pick(["OTP", "SMS", "EMAIL", "FACE", "otp", "PUSH"]),
        "enrollmenttoken" => Pick([known.EnrollmentToken, "made-up-token", ""]),
        "passcode" or "totp" => Pick(["123456", "000000", "12345", "1234567", "abcdef"]),
        "photo" => Pick(["key-" + Ascii(1, 10), "https://127.0.0.1/a.png", "http://127.0.0.1:1/a.png", "https://[::1]/a.png", "file:///etc/passwd", "data:image/png;base64,AAAA"]),
        "channel" => Pick(["CHANNEL_LOGIN", "CHANNEL_REGISTER", "CHANNEL_BIND_MFA", "CHANNEL_RESET_PASSWORD", "CHANNEL_NOPE"]),
        "scope" => Pick(["openid profile", "openid profile email phone offline_access", "openid \"quoted\"", new string('s', 1200)]),
        "client_id" => Pick([known.AppId, known.AppId, known.AppId, "unknown-app", ""]),
        "client_secret" => Pick([known.AppSecret, known.AppSecret, known.AppSecret, "wrong-secret"]),
        "grant_type" => Pick(["client_credentials", "client_credentials", "refresh_token", "refresh_token", "password", "authorization_code", "urn:ietf:params:oauth:grant-type:jwt-bearer"]),
        "refresh_token" => Pick([known.RevocableRefreshToken, "made-up"]),
        "token" => Pick([known.RevocableAccessToken, known.RevocableRefreshToken, known.IdToken, known.ClientToken, "made-up"]),
        "access_token" => Pick([known.AccessToken, known.IdToken, known.ClientToken, "made-up"]),
        "token_type_hint" => Pick(["access_token", "refresh_token", "nope"]),
        "factorid" => Pick(["factor-" + Ascii(1, 10), "", "1"]),
        _ => null,
    };

    /// <summary>UTF-8, with a lone surrogate as its three-byte form and each marker as a run of invalid bytes.</summary>
    private byte[] WithInvalidUtf8(string text)
    {
        var bytes = new List<byte>(text.Length + 16);
        Span<byte> buffer = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == InvalidUtf8Marker)
            {
                bytes.AddRange(Pick(InvalidUtf8Sequences));
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var written = new Rune(c, text[++i]).EncodeToUtf8(buffer);
                bytes.AddRange(buffer[..written]);
            }
            else if (char.IsSurrogate(c))
            {
                bytes.AddRange([(byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))]);
            }
            else
            {
                var written = new Rune(c).EncodeToUtf8(buffer);
                bytes.AddRange(buffer[..written]);
            }
        }

        return [.. bytes];
    }

    /// <summary>Percent-encodes everything but unreserved characters, lone surrogates included (as their three-byte form).</summary>
    private string Percent(string value)
    {
        var encoded = new StringBuilder();
        foreach (var b in WithInvalidUtf8(value))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }

        return encoded.ToString();
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private bool Chance(int oneIn) => random.Next(oneIn) == 0;

    /// <summary>A mutation's chance, never taken in a well-formed request.</summary>
    private bool Mutate(int oneIn) => !_wellFormed && Chance(oneIn);

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private string Ascii(int min, int max)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!$'()*+,;=:@";
        return string.Create(random.Next(min, max + 1), random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }

    private byte[] Bytes(int min, int max)
    {
        var bytes = new byte[random.Next(min, max + 1)];
        random.NextBytes(bytes);
        return bytes;
    }
}
