using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Common;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task TryCreateUser_ThenFindById_RoundTripsEveryField()
    {
        var pool = await CreatePoolAsync();
        var user = NewUser(pool.Id, "ada@example.com", "ada", "13800000000");
        user.EmailVerified = true;
        user.PhoneCountryCode = "+86";
        user.PhoneVerified = true;
        user.Nickname = "Ada";
        user.GivenName = "Ada";
        user.FamilyName = "Lovelace";
        user.Gender = "F";
        user.Status = UserStatus.Suspended;
        user.LoginsCount = 3;
        user.LastLogin = Start.AddHours(-1);
        SetEveryProfileField(user, "ada-profile");
        user.PasswordSecurityLevel = 3;

        Assert.True(await Users(s => s.TryCreateAsync(user, Ct)));

        Assert.Equivalent(user, await Users(s => s.FindByIdAsync(pool.Id, user.Id, Ct)), strict: true);
    }

    [Fact]
    public async Task TryUpdateProfile_WritesEveryProfileField_AndLeavesTheRestAsTheyAre()
    {
        var pool = await CreatePoolAsync();
        var user = await CreateUserAsync(pool.Id, "ada@example.com", "ada", "13800000000");
        var stored = (await Users(s => s.FindByIdAsync(pool.Id, user.Id, Ct)))!;
        SetEveryProfileField(stored, "countess");
        stored.UpdatedAt = Start.AddMinutes(5);

        // Not profile fields: the store must not write them.
        var changed = (await Users(s => s.FindByIdAsync(pool.Id, user.Id, Ct)))!;
        SetEveryProfileField(changed, "countess");
        changed.UpdatedAt = stored.UpdatedAt;
        changed.Email = "other@example.com";
        changed.PasswordHash = "other";
        changed.LoginsCount = 99;

        Assert.True(await Users(s => s.TryUpdateProfileAsync(changed, Ct)));

        Assert.Equivalent(stored, await Users(s => s.FindByIdAsync(pool.Id, user.Id, Ct)), strict: true);
    }

    [Fact]
    public async Task TryUpdateProfile_WithATakenUsername_ReturnsFalseAndWritesNothing()
    {
        var pool = await CreatePoolAsync();
        await CreateUserAsync(pool.Id, "grace@example.com", "grace");
        var ada = await CreateUserAsync(pool.Id, "ada@example.com", "ada");
        var changed = (await Users(s => s.FindByIdAsync(pool.Id, ada.Id, Ct)))!;
        changed.Username = "grace";
        changed.Nickname = "Ada";

        Assert.False(await Users(s => s.TryUpdateProfileAsync(changed, Ct)));

        var found = await Users(s => s.FindByIdAsync(pool.Id, ada.Id, Ct));
        Assert.Equal("ada", found?.Username);
        Assert.Null(found?.Nickname);
    }

    [Fact]
    public async Task SetPassword_WritesTheHashAndItsLevel_AndRefusesTheTokensIssuedBefore_ButTheKeptOne()
    {
        var pool = await CreatePoolAsync();
        var user = await CreateUserAsync(pool.Id, "ada@example.com");
        var at = Start.AddMinutes(1).AddMilliseconds(700);

        await Users(s => s.SetPasswordAsync(user.Id, "new-hash", 2, at, "kept-jti", Ct));

        var found = (await Users(s => s.FindByIdAsync(pool.Id, user.Id, Ct)))!;
        Assert.Equal(("new-hash", 2, at), (found.PasswordHash, found.PasswordSecurityLevel, found.UpdatedAt));
        Assert.Equal((Start.AddMinutes(1), "kept-jti"), (found.TokensNotBefore, found.TokenKeptJti));
        Assert.False(found.Accepts(Start.AddMinutes(1).AddSeconds(-1), "another-jti"));
        Assert.True(found.Accepts(Start.AddMinutes(1).AddSeconds(-1), "kept-jti"));
        Assert.True(found.Accepts(Start.AddMinutes(1), "another-jti")); // issued within the second of the change: iat cannot tell
    }

    private static void SetEveryProfileField(User user, string username)
    {
        user.Username = username;
        user.Nickname = "Ada";
        user.GivenName = "Augusta Ada";
        user.FamilyName = "King";
        user.Gender = "F";
        user.Name = "Ada King";
        user.Photo = "https://example.com/ada.png";
        user.ExternalId = "crm-1815";
        user.Birthdate = "1915-12-10";
        user.Country = "GB";
        user.Province = "Middlesex";
        user.City = "London";
        user.Address = "12 St James's Square, London";
        user.StreetAddress = "12 St James's Square";
        user.PostalCode = "SW1Y 4JH";
        user.Company = "Analytical Engines Ltd";
    }

    [Fact]
    public async Task TryCreateUser_WithTakenEmail_ReturnsFalseAndWritesNothing()
    {
        var pool = await CreatePoolAsync();
        var first = await CreateUserAsync(pool.Id, email: "ada@example.com", username: "ada");
        var second = NewUser(pool.Id, email: "ada@example.com", username: "other");

        Assert.False(await Users(s => s.TryCreateAsync(second, Ct)));

        Assert.Null(await Users(s => s.FindByIdAsync(pool.Id, second.Id, Ct)));
        Assert.Null(await Users(s => s.FindAsync(pool.Id, UserLookup.Username, "other", Ct)));
        Assert.Equal(first.Id, (await Users(s => s.FindAsync(pool.Id, UserLookup.Email, "ada@example.com", Ct)))?.Id);
        Assert.Equal(1, await Db(db => db.Users.CountAsync(Ct)));
    }

    [Fact]
    public async Task TryCreateUser_WithTakenUsername_ReturnsFalseAndWritesNothing()
    {
        var pool = await CreatePoolAsync();
        await CreateUserAsync(pool.Id, username: "ada");
        var second = NewUser(pool.Id, email: "new@example.com", username: "ada");

        Assert.False(await Users(s => s.TryCreateAsync(second, Ct)));

        Assert.Null(await Users(s => s.FindByIdAsync(pool.Id, second.Id, Ct)));
        Assert.Null(await Users(s => s.FindAsync(pool.Id, UserLookup.Email, "new@example.com", Ct)));
        Assert.Equal(1, await Db(db => db.Users.CountAsync(Ct)));
    }

    [Fact]
    public async Task TryCreateUser_WithTakenPhone_ReturnsFalseAndWritesNothing()
    {
        var pool = await CreatePoolAsync();
        await CreateUserAsync(pool.Id, phone: "13800000000");
        var second = NewUser(pool.Id, username: "newcomer", phone: "13800000000");

        Assert.False(await Users(s => s.TryCreateAsync(second, Ct)));

        Assert.Null(await Users(s => s.FindByIdAsync(pool.Id, second.Id, Ct)));
        Assert.Equal(1, await Db(db => db.Users.CountAsync(Ct)));
    }

    [Fact]
    public async Task TryCreateUser_WithTakenId_ReturnsFalseAndKeepsTheFirst()
    {
        var pool = await CreatePoolAsync();
        var first = await CreateUserAsync(pool.Id, email: "ada@example.com");
        var second = new User { Id = first.Id, PoolId = pool.Id, Email = "grace@example.com" };

        Assert.False(await Users(s => s.TryCreateAsync(second, Ct)));

        Assert.Equal("ada@example.com", (await Users(s => s.FindByIdAsync(pool.Id, first.Id, Ct)))?.Email);
    }

    [Fact]
    public async Task TryCreateUser_WithSameEmailUsernameAndPhoneInAnotherPool_Succeeds()
    {
        var acme = await CreatePoolAsync();
        var globex = await CreatePoolAsync();
        var inAcme = await CreateUserAsync(acme.Id, "ada@example.com", "ada", "13800000000");

        var inGlobex = NewUser(globex.Id, "ada@example.com", "ada", "13800000000");
        Assert.True(await Users(s => s.TryCreateAsync(inGlobex, Ct)));

        Assert.Equal(inAcme.Id, (await Users(s => s.FindAsync(acme.Id, UserLookup.Email, "ada@example.com", Ct)))?.Id);
        Assert.Equal(inGlobex.Id, (await Users(s => s.FindAsync(globex.Id, UserLookup.Email, "ada@example.com", Ct)))?.Id);
    }

    [Fact]
    public async Task TryCreateUser_WithoutEmailUsernameOrPhone_AllowsManyInOnePool()
    {
        // Optional identifiers stay optional: NULL never collides in the unique indexes.
        var pool = await CreatePoolAsync();

        for (var i = 0; i < 3; i++)
        {
            await CreateUserAsync(pool.Id);
        }

        Assert.Equal(3, (await Users(s => s.ListAsync(pool.Id, 0, 10, Ct))).Count);
    }

    [Fact]
    public async Task TryCreateUser_InParallelWithOneEmail_ExactlyOneWins()
    {
        var pool = await CreatePoolAsync();

        var created = await Host.InParallelAsync<IUserStore, bool>(8,
            (s, i) => s.TryCreateAsync(NewUser(pool.Id, email: "race@example.com", username: $"racer{i}"), Ct), Ct);

        Assert.Single(created, c => c);
        Assert.Equal(1, await Db(db => db.Users.CountAsync(Ct)));
    }

    [Theory]
    [InlineData(UserLookup.Email, "ada@example.com")]
    [InlineData(UserLookup.Username, "ada")]
    [InlineData(UserLookup.Phone, "13800000000")]
    public async Task FindUser_ByEachIdentifier_ReturnsTheUser(UserLookup by, string value)
    {
        var pool = await CreatePoolAsync();
        await CreateUserAsync(pool.Id, "grace@example.com", "grace", "13900000000");
        var ada = await CreateUserAsync(pool.Id, "ada@example.com", "ada", "13800000000");

        var found = await Users(s => s.FindAsync(pool.Id, by, value, Ct));

        Assert.Equal(ada.Id, found?.Id);
    }

    [Theory]
    [InlineData(UserLookup.Email, "nobody@example.com")]
    [InlineData(UserLookup.Username, "nobody")]
    [InlineData(UserLookup.Phone, "10000000000")]
    public async Task FindUser_WithUnknownIdentifier_ReturnsNull(UserLookup by, string value)
    {
        var pool = await CreatePoolAsync();
        await CreateUserAsync(pool.Id, "ada@example.com", "ada", "13800000000");

        Assert.Null(await Users(s => s.FindAsync(pool.Id, by, value, Ct)));
    }

    [Fact]
    public async Task FindUser_FromAnotherPool_ReturnsNull()
    {
        var acme = await CreatePoolAsync();
        var globex = await CreatePoolAsync();
        var ada = await CreateUserAsync(acme.Id, "ada@example.com", "ada", "13800000000");

        Assert.Null(await Users(s => s.FindByIdAsync(globex.Id, ada.Id, Ct)));
        Assert.Null(await Users(s => s.FindAsync(globex.Id, UserLookup.Email, "ada@example.com", Ct)));
        Assert.Null(await Users(s => s.FindAsync(globex.Id, UserLookup.Username, "ada", Ct)));
        Assert.Null(await Users(s => s.FindAsync(globex.Id, UserLookup.Phone, "13800000000", Ct)));
    }

    [Fact]
    public async Task RecordSignIn_WithoutNewHash_IncrementsLoginsCountAndKeepsTheHash()
    {
        var pool = await CreatePoolAsync();
        var user = await CreateUserAsync(pool.Id, "ada@example.com");
        var first = Clock.GetUtcNow().AddMinutes(1);
        var second = first.AddMinutes(1);

        await Users(s => s.RecordSignInAsync(user.Id, first, null, Ct));
        await Users(s => s.RecordSignInAsync(user.Id, second, null, Ct));

        var found = await Users(s => s.FindByIdAsync(pool.Id, user.Id, Ct));
        Assert.NotNull(found);
        Assert.Equal(2, found.LoginsCount);
        Assert.Equal(second, found.LastLogin);
        Assert.Equal(user.PasswordHash, found.PasswordHash);
        Assert.Equal(user.UpdatedAt, found.UpdatedAt);
    }

    [Fact]
    public async Task RecordSignIn_WithNewHash_ReplacesTheHashAndStampsUpdatedAt()
    {
        var pool = await CreatePoolAsync();
        var user = await CreateUserAsync(pool.Id, "ada@example.com");
        var at = Clock.GetUtcNow().AddMinutes(1);
        const string upgraded = "$argon2id$v=19$m=65536,t=3,p=1$bmV3c2FsdG5ldw$bmV3aGFzaG5ld2hhc2huZXc";

        await Users(s => s.RecordSignInAsync(user.Id, at, upgraded, Ct));

        var found = await Users(s => s.FindByIdAsync(pool.Id, user.Id, Ct));
        Assert.NotNull(found);
        Assert.Equal(1, found.LoginsCount);
        Assert.Equal(at, found.LastLogin);
        Assert.Equal(upgraded, found.PasswordHash);
        Assert.Equal(at, found.UpdatedAt);
    }

    [Fact]
    public async Task RecordSignIn_InParallel_CountsEverySignIn()
    {
        var pool = await CreatePoolAsync();
        var user = await CreateUserAsync(pool.Id, "ada@example.com");

        await Host.InParallelAsync<IUserStore, bool>(8, async (s, i) =>
        {
            await s.RecordSignInAsync(user.Id, Start.AddSeconds(i), null, Ct);
            return true;
        }, Ct);

        Assert.Equal(8, (await Users(s => s.FindByIdAsync(pool.Id, user.Id, Ct)))?.LoginsCount);
    }

    [Fact]
    public async Task ListUsers_PagesInCreationOrderNotInsertionOrder()
    {
        var pool = await CreatePoolAsync();
        var users = Enumerable.Range(0, 5).Select(i => NewUser(pool.Id, username: $"user{i}")).ToList();
        for (var i = 0; i < users.Count; i++)
        {
            users[i] = new User { Id = users[i].Id, PoolId = pool.Id, Username = users[i].Username, CreatedAt = Start.AddMinutes(i) };
        }

        foreach (var user in Enumerable.Reverse(users))
        {
            Assert.True(await Users(s => s.TryCreateAsync(user, Ct)));
        }

        var pages = new List<IReadOnlyList<User>>();
        for (var skip = 0; skip < 6; skip += 2)
        {
            pages.Add(await Users(s => s.ListAsync(pool.Id, skip, 2, Ct)));
        }

        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(users.Select(u => u.Id), pages.SelectMany(p => p).Select(u => u.Id));
        Assert.Empty(await Users(s => s.ListAsync(pool.Id, 5, 2, Ct)));
    }

    [Fact]
    public async Task ListUsers_CreatedAtTheSameInstant_OrdersById()
    {
        var pool = await CreatePoolAsync();
        var ids = new[] { "cccccccccccccccccccccccc", "aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb" };
        foreach (var id in ids)
        {
            Assert.True(await Users(s => s.TryCreateAsync(new User { Id = id, PoolId = pool.Id, CreatedAt = Start }, Ct)));
        }

        var listed = await Users(s => s.ListAsync(pool.Id, 0, 10, Ct));

        Assert.Equal(ids.Order(StringComparer.Ordinal), listed.Select(u => u.Id));
    }

    [Fact]
    public async Task ListUsers_ListsOnlyThatPool()
    {
        var acme = await CreatePoolAsync();
        var globex = await CreatePoolAsync();
        var ada = await CreateUserAsync(acme.Id, "ada@example.com");
        await CreateUserAsync(globex.Id, "grace@example.com");

        var listed = await Users(s => s.ListAsync(acme.Id, 0, 10, Ct));

        Assert.Equal([ada.Id], listed.Select(u => u.Id));
    }

    [Fact]
    public async Task TryCreateUser_InAPoolThatDoesNotExist_IsNotReportedAsTaken()
    {
        // "false" means "email, username or phone already taken"; a missing pool is a programming error, not a conflict,
        // and must not be reported as one (PostgreSQL raises a foreign-key violation: SQLite must not answer false either).
        var orphan = NewUser(Ids.NewId(), "ada@example.com");

        await Assert.ThrowsAsync<DbUpdateException>(() => Users(s => s.TryCreateAsync(orphan, Ct)));
    }
}
