using Portcullis.Core.Common;
using Portcullis.Server.Http;

namespace Portcullis.Server.Tests;

/// <summary>The error table in docs/ is the catalogue: a code added to one and not the other fails here.</summary>
public sealed class DocumentationTests
{
    [Fact]
    public void ErrorsDoc_ListsEveryCatalogueEntry()
    {
        var doc = File.ReadAllText(FindRepoFile("docs/errors.md"));
        var entries = Enum.GetValues<ErrorKind>().Select(ErrorCatalogue.For)
            .Concat([ErrorCatalogue.MalformedJson, ErrorCatalogue.PayloadTooLarge, ErrorCatalogue.UnsupportedMediaType, ErrorCatalogue.UnsupportedCharset,
                ErrorCatalogue.NotFound, ErrorCatalogue.MethodNotAllowed, ErrorCatalogue.Internal]);

        foreach (var entry in entries)
        {
            Assert.True(doc.Contains($"| {entry.StatusCode} | {entry.ApiCode} |", StringComparison.Ordinal),
                $"docs/errors.md has no row for statusCode {entry.StatusCode}, apiCode {entry.ApiCode} ({entry.English})");
        }
    }

    /// <summary>A file of the repository, found from the test assembly's folder upwards.</summary>
    internal static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(relative);
    }
}
