import { chromium } from 'playwright-core';
(async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const p = await b.newPage({ viewport: { width: 1500, height: 950 } });
  const card = (i: number) => `<div class="c" id="c${i}"><table>${'<tr><td>1.234</td><td>5.6</td></tr>'.repeat(20)}</table></div>`;
  const test = async (name: string, css: string, body: string) => {
    await p.setContent(`<style>.c{width:280px;contain-intrinsic-size:auto 260px auto 104px;content-visibility:auto} ${css}</style>${body}`);
    await p.waitForTimeout(300);
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const r = await p.evaluate(() => [...document.querySelectorAll('.c')].map((c) => (c.querySelector('td')!.checkVisibility({ contentVisibilityAuto: true }) ? 1 : 0)).join(''));
    console.log(name, r);
  };
  const cards = (n: number) => Array.from({ length: n }, (_, i) => card(i)).join('');
  await test('page vertical', '', cards(30));
  await test('page horizontal', '.g{display:flex;gap:40px;width:max-content}', `<div class="g">${cards(16)}</div>`);
  await test('scroller vertical', '.box{overflow:auto;height:600px}', `<div class="box">${cards(30)}</div>`);
  await test('scroller horizontal', '.box{overflow:auto;width:550px}.g{display:flex;gap:40px;width:max-content}', `<div class="box"><div class="g">${cards(16)}</div></div>`);
  await b.close();
})();
