using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>
/// Every label in both languages: in English no visible text outside the data (names, places, codes: marked data-v) is
/// Chinese, in Chinese none is missing, on every page each role's menu offers; and both dictionaries have the same keys.
/// </summary>
public sealed class LanguageTests(DemoConsole demo)
{
    // Visible text nodes that are labels (not inside [data-v], not the language buttons) and either Chinese where English
    // is wanted, or a missing label (⟦key⟧) in any language.
    private const string Untranslated = """
        (english) => {
          const cjk = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;
          const bad = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
            if (!text || !el || el.closest('[data-v]') || el.closest('.lang') || el.closest('script,style')) continue;
            const option = el.closest('option');
            if (option && !option.selected) continue;
            if (!option && !el.getClientRects().length) continue;
            if (text.includes('⟦') || (english && cjk.test(text))) bad.push(text.slice(0, 80));
          }
          return bad;
        }
        """;

    [Theory(Timeout = 240_000)]
    [InlineData("admin")]
    [InlineData("township")]
    [InlineData("village_chief")]
    public async Task Every_page_of_the_menu_is_fully_translated_in_english_and_has_no_missing_label_in_chinese(string role)
    {
        foreach (var language in new[] { "en", "zh-CN" })
        {
            var page = await demo.SignInAsync(role, language);
            var routes = await page.Locator("nav.nav a").EvaluateAllAsync<string[]>("links => links.map(a => a.dataset.route)");
            Assert.NotEmpty(routes);
            var wrong = new List<string>();
            foreach (var route in routes.Concat(role == "admin" ? ["registry/members", "registry/keyPoints", "registry/enterprises", "registry/terminals"] : []))
            {
                await page.GotoAsync("/#/" + route);
                await page.Locator("main[data-ready=true]").WaitForAsync();
                var bad = await page.EvaluateAsync<string[]>(Untranslated, language == "en");
                wrong.AddRange(bad.Select(b => $"{language} #{route}: {b}"));
            }
            await page.Context.CloseAsync();
            // The sign-in page too, in a browser without a session.
            var signIn = await demo.NewPageAsync(language);
            await signIn.GotoAsync("/");
            await signIn.Locator("input[name=password]").WaitForAsync();
            wrong.AddRange((await signIn.EvaluateAsync<string[]>(Untranslated, language == "en")).Select(b => $"{language} sign-in: {b}"));
            await signIn.Context.CloseAsync();
            Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Both_dictionaries_have_the_same_keys_and_no_empty_label()
    {
        var page = await demo.SignInAsync("auditor");
        var problems = await page.EvaluateAsync<string[]>("""
            async () => {
              const zh = (await import('/app/i18n/zh-CN.js')).default, en = (await import('/app/i18n/en.js')).default;
              return [
                ...Object.keys(zh).filter(k => !(k in en)).map(k => 'only in zh-CN: ' + k),
                ...Object.keys(en).filter(k => !(k in zh)).map(k => 'only in en: ' + k),
                ...Object.entries({ ...zh }).filter(([, v]) => !v).map(([k]) => 'empty in zh-CN: ' + k),
                ...Object.entries({ ...en }).filter(([, v]) => !v).map(([k]) => 'empty in en: ' + k),
              ];
            }
            """);
        Assert.Empty(problems);
        await page.Context.CloseAsync();
    }
}
