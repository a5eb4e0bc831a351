/**
 * OPRO in the browser, against the scripted server: the optimizer panel offers it with its two
 * levels (each chosen by its name, each planned as such), its rounds and candidates; a
 * module-level run reaches its result; the run view shows, for a proposal, the scored history
 * and the training examples its proposer saw (not MIPROv2's empty grounding block); teaching
 * mode names OPRO, explains its meta-prompt and says it has no TPE.
 */
import { describe, expect, it } from 'vitest';
import { irisHandler } from '../fixtures/iris-world';
import type { ScriptedHandler } from '../fixtures/scripted-server';
import { collectErrors, schemeShots } from './browser';
import { own, serverAndBrowser, setUp, waitForSelector } from './flow';


/**
 * What the scripted proposer writes, call after call: two vague instructions (the task model
 * answers "setosa" to every flower without "petal length" in its instruction), then the rule,
 * then a repeat. So the last step's calls see a history of several attempts, scored on
 * minibatches and in full, and the run finds the rule only in its second step.
 */
const WRITES = ['Identify the flower.', 'Look at the flower closely.', 'Classify by petal length: under 2.5 cm setosa, under 4.9 cm versicolor, else virginica.', 'Identify the flower.'];

/** Iris's task model, and a proposer that writes {@link WRITES} in turn. */
function oproHandler(): ScriptedHandler {
  let calls = 0;
  return (body, ctx) => {
    const system = String(body.messages?.[0]?.content ?? '');
    if (!String(body.model).includes('proposer') || !system.includes('proposed_instruction')) return irisHandler(body, ctx);
    return `[[ ## proposed_instruction ## ]]\n${WRITES[calls++ % WRITES.length]}\n\n[[ ## completed ## ]]`;
  };
}

describe('OPRO in the UI', () => {
  const env = serverAndBrowser(oproHandler());

  it('offers both levels with their plans, runs module level to a result, and shows what each proposer call saw', { timeout: 300_000 }, async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    await setUp(page, env.server.url);
    await page.getByLabel('Optimizer').selectOption({ label: 'OPRO (history-aware proposer)' });
    const levels = page.getByRole('tablist', { name: 'What OPRO proposes for' });
    const plan = page.getByRole('region', { name: 'Plan' });
    await expect.poll(() => levels.getByRole('tab', { name: 'Module by module' }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByText(/credited with the whole program's score/).isVisible()).toBe(true);
    // The core's defaults: 4 rounds x 1 predictor, 4 proposer calls a step.
    await expect.poll(() => plan.textContent(), { timeout: 30_000 }).toMatch(/Module-level OPRO: 4 steps \(4 rounds x 1 predictor/);
    expect(await plan.textContent()).toMatch(/Proposer calls16/);
    // OPRO keeps demos as they are: no demo fields; its own rounds and candidates instead.
    await page.getByRole('button', { name: 'Show advanced options' }).click();
    expect(await page.getByLabel('Max bootstrapped demos').count()).toBe(0);
    await page.getByLabel('Rounds').fill('2');
    await page.getByLabel('Candidates per round').fill('2');
    await expect.poll(() => plan.textContent()).toMatch(/Module-level OPRO: 2 steps \(2 rounds x 1 predictor.*each with 2 proposer calls/);
    expect(await plan.textContent()).toMatch(/Proposer calls4/);

    await levels.getByRole('tab', { name: 'Whole program at once' }).click();
    await expect.poll(() => plan.textContent()).toMatch(/Program-level OPRO: 2 steps \(one a round\)/);
    await expect.poll(() => page.getByText(/the paper's credit-assignment baseline/).first().isVisible()).toBe(true);
    const setupCard = page.locator('#step-optimize');
    await schemeShots(page, 'opro-setup-program-1280', setupCard);
    await page.setViewportSize({ width: 390, height: 844 });
    await schemeShots(page, 'opro-setup-program-390', setupCard);
    await page.setViewportSize({ width: 1280, height: 800 });

    // A budget in minutes stops the rounds early; "Rounds as set" brings them back.
    const budget = page.getByRole('tablist', { name: 'OPRO budget' });
    await budget.getByRole('tab', { name: '5 min' }).click();
    await expect.poll(() => plan.textContent()).toMatch(/5 minutes are more than the 2 rounds take|Budget: \d+ task calls/);
    await budget.getByRole('tab', { name: 'Rounds as set' }).click();

    await levels.getByRole('tab', { name: 'Module by module' }).click();
    await expect.poll(() => plan.textContent()).toMatch(/Module-level OPRO: 2 steps/);
    await page.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]');

    // Each proposal's row says what the proposer saw, not MIPROv2's tip; opened, the scored history and the examples.
    const proposed = page.getByRole('region', { name: 'Proposed instructions' });
    await expect.poll(() => proposed.getByText(WRITES[2]!).first().isVisible()).toBe(true);
    expect(await proposed.getByText(/^tip:/).count()).toBe(0);
    // The first call saw only the default program, scored on the full validation subsample (60 rows).
    await proposed.getByText('1 scored attempt seen').first().click();
    const first = proposed.getByRole('group', { name: 'What the proposer saw' }).first();
    expect(await first.getByRole('list', { name: 'History the proposer saw' }).getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(/^30\.0%\s*full, n=60\s*Given the fields/)]);
    expect(await first.textContent()).toMatch(/module level: generate only/);
    const examples = first.getByLabel('Training examples the proposer saw');
    expect(await examples.locator('pre').count()).toBe(3);
    expect(await examples.textContent()).toMatch(/petal_length: [\d.]+/);
    expect(await first.getByText('Dataset summary').count()).toBe(0);
    // The rule came from step 2: its call saw step 1's candidates on a minibatch of 35 and its best in full, lowest first.
    const rule = proposed.locator('details', { hasText: WRITES[2]! });
    await rule.locator('summary').click();
    const seen = await rule.getByRole('list', { name: 'History the proposer saw' }).getByRole('listitem').allTextContents();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.some((t) => /minibatch, n=35/.test(t))).toBe(true);
    expect(seen.some((t) => /full, n=60/.test(t))).toBe(true);
    const scores = seen.map((t) => Number(/^([\d.]+)%/.exec(t)![1]));
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(await rule.textContent()).toMatch(/Step 2 \(round 2\), proposer call 1 of its step/);
    // OPRO leaves demos as they are, and says so where MIPROv2 lists its demo sets.
    expect(await page.getByRole('region', { name: 'Demo sets' }).textContent()).toMatch(/OPRO searches instructions only/);
    const runCard = page.locator('#run-proposals');
    await schemeShots(page, 'opro-run-proposals-1280', runCard);
    await page.setViewportSize({ width: 390, height: 844 });
    await schemeShots(page, 'opro-run-proposals-390', runCard);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Teaching mode: which optimizer ran, the meta-prompt and the selected proposal's history, no TPE.
    await page.getByRole('switch', { name: 'Teaching mode' }).check();
    const teach = page.getByRole('complementary', { name: 'Teaching mode' });
    await expect.poll(() => teach.textContent()).toMatch(/OPRO ran:/);
    expect(await teach.textContent()).not.toMatch(/MIPROv2 improves/);
    const steps = teach.getByRole('navigation', { name: 'Teaching steps' });
    await steps.getByRole('button', { name: 'Proposals' }).click();
    await expect.poll(() => teach.textContent()).toMatch(/sorted ascending so the best comes last/);
    await expect.poll(() => teach.getByRole('group', { name: /^History the proposer saw for I1/ }).getByRole('listitem').count()).toBe(1);
    await teach.getByLabel('Proposal').selectOption({ label: 'I3 · generate · step 2' });
    const taught = teach.getByRole('group', { name: /^History the proposer saw for I3/ });
    await expect.poll(() => taught.getByRole('listitem').count()).toBeGreaterThanOrEqual(3);
    await taught.scrollIntoViewIfNeeded();
    await schemeShots(page, 'opro-teach-proposals-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await taught.scrollIntoViewIfNeeded();
    await schemeShots(page, 'opro-teach-proposals-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await steps.getByRole('button', { name: 'TPE search' }).click();
    await expect.poll(() => teach.getByText('OPRO has no TPE.').isVisible()).toBe(true);
    await schemeShots(page, 'opro-teach-tpe-1280');
    expect(own(errors)).toEqual([]);
    await page.close();
  });
});
