using Portcullis.Testing;

namespace Portcullis.Server.Tests;

/// <summary>One server for the whole assembly: tests create their own users (random emails), so they do not interfere.</summary>
public sealed class ServerFixture : TestServer;

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
