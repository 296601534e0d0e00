import { existsSync } from 'node:fs';

/** Where Debian/Ubuntu's chromium package installs the browser; PHIGUARD_CHROMIUM overrides it. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * Renders the narrative to PDF with headless Chromium (playwright-core, no browser download), or says why not.
 * The page has no script and no external assets, so rendering needs no network: requests are blocked anyway.
 */
export async function renderPdf(
  html: string,
  executablePath = process.env.PHIGUARD_CHROMIUM || DEFAULT_CHROMIUM,
): Promise<{ pdf: Uint8Array } | { reason: string }> {
  if (!existsSync(executablePath)) return { reason: `Chromium not found at ${executablePath}` };
  const { chromium } = await import('playwright-core');
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format: 'Letter', printBackground: true, tagged: true, outline: true });
    return { pdf: new Uint8Array(pdf) };
  } catch (error) {
    return { reason: `Chromium could not render the PDF (${(error as Error).message.split('\n')[0]})` };
  } finally {
    await browser?.close();
  }
}
