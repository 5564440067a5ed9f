using System.Text.Json;
using Microsoft.Playwright;
using Portcullis.Testing;

namespace Portcullis.Browser.Tests;

/// <summary>
/// axe-core (npm, pinned in this project's package.json) run inside a page: the WCAG 2 A and AA rules, failing on serious and
/// critical violations. Without its files (run <c>npm ci</c> here) the check skips loudly, or fails in CI.
/// </summary>
public static class AxeCore
{
    public static string ScriptPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var project = Path.Combine(dir.FullName, "tests", "Portcullis.Browser.Tests");
            if (File.Exists(Path.Combine(project, "package.json")))
            {
                var script = Path.Combine(project, "node_modules", "axe-core", "axe.min.js");
                if (!File.Exists(script))
                {
                    ServiceRequirement.SkipOrFail($"axe-core is not installed: run npm ci in {project}");
                }

                return script;
            }
        }

        throw new InvalidOperationException("tests/Portcullis.Browser.Tests not found above " + AppContext.BaseDirectory);
    }

    public static async Task AssertNoSeriousViolationsAsync(IPage page, string scriptPath, string pageName)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = scriptPath });
        var json = await page.EvaluateAsync<string>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return JSON.stringify(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html) })));
            }
            """);
        using var violations = JsonDocument.Parse(json);
        Assert.True(violations.RootElement.GetArrayLength() == 0, $"axe-core found serious violations on the {pageName} page: {json}");
    }
}
