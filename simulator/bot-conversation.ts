import { customerText, phrase } from './customer-text.ts';
import { botPhrases } from './phrase-banks.ts';
import type { TicketScene } from './ticket-opening.ts';
import { groupByName } from './world-catalog.ts';

/**
 * The bot greets a chat and answers it; a satisfied customer ends it there (solved by the bot),
 * else the bot hands the chat to the human line. Returns whether the bot solved it.
 */
export function botConversation(scene: TicketScene): boolean {
  const { rng, life, people, language, opening, requesterId, slow, humanGroupName } = scene;
  const createdAt = scene.createdAt;
  const bot = people.bot;
  life.agentReply(createdAt + rng.int(1, 3), bot.id, botPhrases[language].greet);
  life.customerMessage(
    life.now + rng.int(8, 40),
    requesterId,
    'chat',
    customerText(rng, language, opening === 'positive' ? 'neutral' : opening),
    opening === 'positive' ? 'neutral' : opening,
  );
  life.agentReply(life.now + rng.int(2, 8), bot.id, botPhrases[language].answer);
  if (rng.chance(slow > 1 ? 0.4 : 0.62)) {
    life.customerMessage(
      life.now + rng.int(5, 40),
      requesterId,
      'chat',
      phrase(rng, language, 'positive'),
      'positive',
    );
    life.update(life.now + rng.int(2, 10), bot.id, [life.change('status', 'solved')]);
    return true;
  }
  life.update(life.now + rng.int(2, 10), bot.id, [
    life.change('group_id', groupByName(humanGroupName).id),
    life.change('assignee_id', null),
  ]);
  return false;
}
