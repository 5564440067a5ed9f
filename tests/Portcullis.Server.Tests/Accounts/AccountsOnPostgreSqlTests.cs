using static Portcullis.Server.Tests.Accounts.AccountDeletionScenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>
/// The profile and deletion scenarios on PostgreSQL: the unique index refusing a username inside an UPDATE, and the deletion's
/// one transaction, scanned table by table through PostgreSQL's own catalogue.
/// </summary>
public sealed class AccountsOnPostgreSqlTests(PostgreSqlEndToEndTests.Server server) : IClassFixture<PostgreSqlEndToEndTests.Server>
{
    [Fact]
    public Task ProfileEveryField_IsStoredAndAnswered_OnPostgreSql()
    {
        server.RequireAvailable();
        return ProfileScenarios.EveryFieldIsStoredAndAnsweredAsync(server);
    }

    [Fact]
    public Task ProfileUsernameTaken_Is409_OnPostgreSql()
    {
        server.RequireAvailable();
        return ProfileScenarios.AUsernameAnotherAccountHasIsRefusedAsync(server);
    }

    [Fact]
    public Task AccountDeletionByPassword_EndsEverySession_OnPostgreSql()
    {
        server.RequireAvailable();
        return DeletionByPasswordEndsEverySessionAsync(server);
    }

    [Fact]
    public Task AccountDeletion_LeavesNoTableHoldingTheUser_OnPostgreSql()
    {
        server.RequireAvailable();
        return DeletionLeavesNothingOfTheUserButAnonymisedAuditRowsAsync(server);
    }
}
