/**
 * The benchmark's models, in process: the scripted small task model of
 * tests/fixtures/small-model.ts behind a `LanguageModel` that behaves like a server in the
 * ways that cost tokens — it stops at a stop sequence and cuts the answer at `max_tokens`
 * (finish reason "length") — and the Iris world's proposer. Tokens are counted as the
 * scripted server counts them: a quarter of the characters, rounded up.
 */
import type { CallOptions, LanguageModel, LMRequest, LMResponse } from '../../src/core/lm';
import { irisHandler, type Msg } from '../../tests/fixtures/iris-world';
import { smallIrisAnswer } from '../../tests/fixtures/small-model';

const CHARS_PER_TOKEN = 4;

/** The small task model breaking the chat format on `breakRate` of unconstrained calls. */
export function smallTaskModel(breakRate: number): LanguageModel {
  return serverLike(`small-iris@${breakRate}`, (req) => smallIrisAnswer(req.messages as Msg[], req.responseFormat !== undefined, breakRate));
}

/** The Iris world's proposer (grounded proposals write the petal-length rule). */
export function irisProposerModel(): LanguageModel {
  return serverLike('iris-proposer', (req) => irisHandler({ model: 'proposer-model', messages: req.messages }, { index: 0, headers: {} }) as string);
}

function serverLike(id: string, answer: (req: LMRequest) => string): LanguageModel {
  return {
    id,
    maxConcurrency: 4,
    async call(req: LMRequest, _options?: CallOptions): Promise<LMResponse> {
      let text = answer(req);
      let finish = 'stop';
      for (const stop of req.stop ?? []) {
        const at = text.indexOf(stop);
        if (at >= 0) text = text.slice(0, at);
      }
      if (req.maxTokens !== undefined && text.length > req.maxTokens * CHARS_PER_TOKEN) {
        text = text.slice(0, req.maxTokens * CHARS_PER_TOKEN);
        finish = 'length';
      }
      const prompt = req.messages.reduce((n, m) => n + m.content.length, 0);
      return {
        completions: [text],
        finishReasons: [finish],
        usage: { promptTokens: Math.ceil(prompt / CHARS_PER_TOKEN), completionTokens: Math.ceil(text.length / CHARS_PER_TOKEN) },
        model: id,
      };
    },
  };
}
