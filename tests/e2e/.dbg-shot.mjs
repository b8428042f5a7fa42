// Screenshot one element of a saved page state: node .dbg-shot.mjs URL SELECTOR OUT [hash]
import * as c from './lib-console.mjs';
const [url, sel, out] = process.argv.slice(2);
const browser = await c.launch();
const ctx = await c.context(browser);
const page = await ctx.newPage();
page.on('console', m => console.log('console', m.type(), m.text()));
await page.goto(url);
await page.waitForSelector(sel, {timeout: 20000});
await page.locator(sel).first().screenshot({ path: out });
await browser.close();
