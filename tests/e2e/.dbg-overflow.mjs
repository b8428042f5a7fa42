import * as c from './lib-console.mjs';
const browser = await c.launch();
const ctx = await c.context(browser);
const page = await ctx.newPage();
page.on('console', m => console.log('console', m.type(), m.text()));
await page.goto('http://127.0.0.1:18777/inspector');
await page.setInputFiles('#file', process.argv[2]);
await page.waitForSelector('#verdict[data-outcome]', {timeout: 60000});
await page.locator('#entries-box summary').click();
const over = await page.evaluate(() => {
  const w = 360; const out = [];
  for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect(); if (r.right > w + 1 && r.width > 0) out.push(`${e.tagName}#${e.id}.${e.className} right=${Math.round(r.right)} w=${Math.round(r.width)}`); }
  return {sw: document.documentElement.scrollWidth, w, out: out.slice(0, 30)};
});
console.log(JSON.stringify(over, null, 1));
await browser.close();
