// One throwaway PostgreSQL server for the whole run of this assembly.
[assembly: AssemblyFixture(typeof(Portcullis.Testing.PostgreSqlServer))]
