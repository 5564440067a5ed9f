using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Otp;
using Portcullis.Storage;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Security;

/// <summary>
/// A TOTP seed is stored only encrypted with Data Protection: the pending enrollment request and the bound factor hold it in
/// no readable form, no other table holds it either, and the server's own protector turns what they hold back into the seed.
/// Read straight from the database, on SQLite and on PostgreSQL.
/// </summary>
public abstract class OtpSeedAtRestTests(TestServer server)
{
    /// <summary>Data Protection's payload header (KeyRingBasedDataProtector): the magic number, then the id of the key that protected it.</summary>
    private const uint DataProtectionMagicHeader = 0x09F0C9F0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;


    [Fact]
    public async Task OtpSeed_IsStoredOnlyAsADataProtectionPayload_InThePendingRequestAndInTheBoundFactor()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        await SignInAsync(client, email);

        var (started, seed) = await StartOtpAsync(client);

        var pending = Assert.Single(await RowsAsync("mfa_enrollment_requests", userId));
        AssertNoReadableSeed("mfa_enrollment_requests", pending, seed);
        AssertProtectedSeed(pending, seed);

        AssertOk(await EnrollAsync(client, "OTP", started.EnrollmentToken, TotpVerifier.Compute(seed, server.Clock.GetUtcNow())));
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        AssertOk(await client.MfaOtpVerifyAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct));

        var factor = Assert.Single(await RowsAsync("mfa_factors", userId));
        AssertNoReadableSeed("mfa_factors", factor, seed);
        AssertProtectedSeed(factor, seed);
        AssertNoReadableSeed("mfa_enrollment_requests", Assert.Single(await RowsAsync("mfa_enrollment_requests", userId)), seed);
        foreach (var table in await TablesAsync())
        {
            foreach (var row in await RowsAsync(table, userId: null))
            {
                AssertNoReadableSeed(table, row, seed);
            }
        }
    }

    /// <summary>The seed in every form it could be written in: the URI's base32, and its bytes raw, in base64, base64url and hex.</summary>
    private static void AssertNoReadableSeed(string table, IReadOnlyDictionary<string, object?> row, byte[] seed)
    {
        string[] forms =
        [
            TotpVerifier.ToBase32(seed),
            Convert.ToBase64String(seed).TrimEnd('='),
            Base64Url.EncodeToString(seed),
            Convert.ToHexString(seed),
        ];
        foreach (var (column, value) in row)
        {
            if (value is byte[] bytes)
            {
                Assert.False(bytes.AsSpan().IndexOf(seed) >= 0, $"{table}.{column} holds the seed's bytes");
            }

            var text = value switch
            {
                byte[] raw => Encoding.UTF8.GetString(raw),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value?.ToString() ?? "",
            };
            foreach (var form in forms)
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{table}.{column} holds the seed ({form}): {text}");
            }
        }
    }

    /// <summary>The row's secret is a payload of this server's key ring, and the server's protector reads the seed back from it.</summary>
    private void AssertProtectedSeed(IReadOnlyDictionary<string, object?> row, byte[] seed)
    {
        var stored = Assert.IsType<string>(row["ProtectedSecret"]);
        var payload = Base64Url.DecodeFromChars(stored);
        Assert.Equal(DataProtectionMagicHeader, BinaryPrimitives.ReadUInt32BigEndian(payload));
        var keyId = new Guid(payload.AsSpan(4, 16));
        Assert.Contains(keyId, server.Services.GetRequiredService<IKeyManager>().GetAllKeys().Select(k => k.KeyId));
        Assert.Equal(Convert.ToBase64String(seed), server.Services.GetRequiredService<ISecretProtector>().Unprotect(stored));
    }

    /// <summary>Every table of the model.</summary>
    private async Task<List<string>> TablesAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortcullisDbContext>();
        return [.. db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct()];
    }

    /// <summary>The rows of <paramref name="table"/> (of one user when <paramref name="userId"/> is given), every column as stored.</summary>
    private async Task<List<Dictionary<string, object?>>> RowsAsync(string table, string? userId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortcullisDbContext>();
        await db.Database.OpenConnectionAsync(Ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"""SELECT * FROM "{table}" """ + (userId is null ? "" : """WHERE "UserId" = @userId""");
            if (userId is not null)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@userId";
                parameter.Value = userId;
                command.Parameters.Add(parameter);
            }

            var rows = new List<Dictionary<string, object?>>();
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                var row = new Dictionary<string, object?>();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

[Collection(ServerCollection.Name)]
public sealed class OtpSeedAtRestOnSqliteTests(ServerFixture server) : OtpSeedAtRestTests(server);

public sealed class OtpSeedAtRestOnPostgreSqlTests(PostgreSqlEndToEndTests.Server server)
    : OtpSeedAtRestTests(server), IClassFixture<PostgreSqlEndToEndTests.Server>;
