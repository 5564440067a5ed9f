using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portcullis.Contracts;
using Portcullis.Contracts.Oidc;

namespace Portcullis.Client;

public sealed class JwtVerificationException : Exception
{
    public JwtVerificationException()
    {
    }

    public JwtVerificationException(string message)
        : base(message)
    {
    }

    public JwtVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Verifies RS256 JWTs against the server's JWKS with the BCL alone (the client depends on nothing but Contracts).
/// Stricter than authing-node-sdk, which checks only the signature: the algorithm must be RS256 and the token unexpired.
/// </summary>
internal sealed class JwtVerifier(HttpClient http)
{
    public async Task<IReadOnlyDictionary<string, JsonElement>> VerifyAsync(string token, string jwksPath, CancellationToken ct)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            throw new JwtVerificationException("Not a JWS compact serialisation.");
        }

        using var header = JsonDocument.Parse(Decode(parts[0]));
        if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "RS256")
        {
            throw new JwtVerificationException("Only RS256 tokens are accepted.");
        }

        var kid = header.RootElement.TryGetProperty("kid", out var k) ? k.GetString() : null;
        var jwks = await http.GetFromJsonAsyncSafe(jwksPath, ct);
        var key = jwks.Keys.FirstOrDefault(x => x.Kid == kid) ?? throw new JwtVerificationException($"No key '{kid}' in the JWKS.");

        using var rsa = RSA.Create(new RSAParameters { Modulus = Decode(key.N), Exponent = Decode(key.E) });
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!rsa.VerifyData(signed, Decode(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            throw new JwtVerificationException("Bad signature.");
        }

        using var payload = JsonDocument.Parse(Decode(parts[1]));
        var claims = payload.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        if (!claims.TryGetValue("exp", out var exp) || exp.ValueKind != JsonValueKind.Number
            || DateTimeOffset.FromUnixTimeSeconds(exp.GetInt64()) <= DateTimeOffset.UtcNow)
        {
            throw new JwtVerificationException("The token has expired.");
        }

        return claims;
    }

    private static byte[] Decode(string segment)
    {
        try
        {
            return Base64Url.DecodeFromChars(segment);
        }
        catch (FormatException ex)
        {
            throw new JwtVerificationException("Bad base64url.", ex);
        }
    }
}

internal static class JwksFetch
{
    public static async Task<JsonWebKeySetDto> GetFromJsonAsyncSafe(this HttpClient http, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        return await JsonSerializer.DeserializeAsync(stream, PortcullisJsonContext.Default.JsonWebKeySetDto, ct)
            ?? throw new JwtVerificationException("Empty JWKS.");
    }
}
